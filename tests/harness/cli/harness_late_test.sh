#!/usr/bin/env bash
# The harness knows when it was late: forkcheck itself is SIGSTOPped (standing in for an overloaded
# CI runner) for 0.8 s, and its report says so instead of blaming the target.
#
#   harness_late_test.sh CASE FORKCHECK REFCLUSTER
#
# in_recovery  the stall comes right after the kill (inside its recovery window): requests that could
#              not be sent within their 500 ms timeout while forkcheck was stopped make
#              no_dropped_requests and service_available `unknown` with the reason, never `fail`;
# in_warmup    the same stall during warm-up, before the service window: every verdict passes, as
#              without it; the report still says how late the harness was.
# Bounded by `timeout`, on a free port (--port 0), in a temporary directory (removed); it signals
# only the forkcheck it started, by pid, and leaves no process behind.
set -euo pipefail
[[ $# -eq 3 ]] || { echo "usage: $0 CASE FORKCHECK REFCLUSTER" >&2; exit 2; }
case_name=$1 forkcheck=$2 refcluster=$3
source "$(dirname "$0")/kill_leftovers.sh"
work=$(mktemp -d "${TMPDIR:-/tmp}/forkcheck-late.XXXXXX")
fc_pid=""
cleanup() {
  if [[ -n $fc_pid ]]; then kill -CONT "$fc_pid" 2>/dev/null || true; kill -KILL "$fc_pid" 2>/dev/null || true; fi
  kill_processes_naming "$work"
  rm -rf "$work"
}
trap cleanup EXIT
fail() { echo "FAIL: $*"; for f in "$work"/out "$work"/err "$work"/r/report.md; do [[ -r $f ]] && { echo "--- $f"; tail -n 60 "$f"; }; done; exit 1; }

# warmup_s 1.5 leaves the in_warmup stall (from the load's start, 0.8 s) well before the service window.
cat >"$work/s.yaml" <<YAML
name: harness_late
target: "$refcluster --port {port} --workers {workers} --events {events}"
workers: 2
port: 0
warmup_s: 1.5
duration_s: 3.0
recovery_deadline_s: 2.0
start_timeout_s: 5
stop_grace_s: 2
seed: 1
load:
  rate_rps: 200
  connections: 4
  keep_alive: true
  timeout_ms: 500
faults:
  - kind: kill_worker
    signal: SIGKILL
    at_s: 1.8
    victim: random
YAML

case $case_name in
  in_recovery) trigger="Worker crashes" ;;   # row 9: printed once the victim's death was seen
  in_warmup) trigger="load started" ;;
  *) echo "unknown case $case_name" >&2; exit 2 ;;
esac

"$forkcheck" run "$work/s.yaml" --report "$work/r" >"$work/out" 2>"$work/err" </dev/null &
fc_pid=$!
for _ in $(seq 1 500); do grep -qF "$trigger" "$work/out" 2>/dev/null && break; kill -0 "$fc_pid" 2>/dev/null || break; sleep 0.02; done
grep -qF "$trigger" "$work/out" || fail "forkcheck never printed '$trigger'"
kill -STOP "$fc_pid"
sleep 0.8
kill -CONT "$fc_pid"
status=0
timeout 60 tail --pid="$fc_pid" -f /dev/null || fail "forkcheck did not exit within 60 s"
wait "$fc_pid" || status=$?
fc_pid=""

verdict() {  # the verdict of property $1 in report.json
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(next(p["verdict"] for p in r["properties"] if p["name"]==sys.argv[2]))' \
    "$work/r/report.json" "$1"
}
[[ -s $work/r/report.json ]] || fail "no report.json (exit $status)"
# Whatever the case, the stall was measured and reported: the probe thread overslept at least 0.8 s.
python3 - "$work/r/report.json" <<'PY' || fail "report.json's harness_health does not show the 0.8 s stall"
import json, sys
h = json.load(open(sys.argv[1]))["harness_health"]
probe = next(s for s in h["sources"] if s["name"] == "probe")
assert h["late"] and probe["max_ms"] >= 790, h
PY
grep -qF "## Harness health" "$work/r/report.md" || fail "report.md has no Harness health section"
grep -qF "Harness health" "$work/r/report.html" || fail "report.html has no Harness health line"
grep -qF "forkcheck: harness health:" "$work/err" || fail "no console line saying the harness was late"

case $case_name in
  in_recovery)
    ((status == 3)) || fail "exit $status, expected 3 (undecided): the stall must not fail the target"
    for p in no_dropped_requests service_available; do
      [[ $(verdict $p) == unknown ]] || fail "$p is $(verdict $p), expected unknown"
    done
    grep -qF "the machine was overloaded (or forkcheck was stopped)" "$work/r/report.md" || fail "report.md gives no reason"
    for p in workers_restored no_overshoot primary_alive no_orphans; do
      [[ $(verdict $p) == pass ]] || fail "$p is $(verdict $p), expected pass"
    done
    ;;
  in_warmup)
    ((status == 0)) || fail "exit $status, expected 0: a stall before the service window changes no verdict"
    ;;
esac
echo "ok: $case_name"
