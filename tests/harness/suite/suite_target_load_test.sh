#!/usr/bin/env bash
# A suite target's own `load:` (and the command line's answer flags) reach that target's cells as
# `run` flags, not the reference's: a target whose expected body is not what it answers cannot run
# (its pre-flight request is refused), a target told its real body passes, the reference keeps its own.
# Usage: suite_target_load_test.sh FORKCHECK BROKENCLUSTER
set -euo pipefail
forkcheck=$1 broken=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

# No fault, no timing: the verdicts say only whether each cell's pre-flight answer was the expected one.
cat >"$work/answer.yaml" <<YAML
name: answer
workers: 2
port: 0
warmup_s: 0.3
duration_s: 0.8
start_timeout_s: 5
stop_grace_s: 2
properties: [no_overshoot, primary_alive]
load:
  rate_rps: 50
  connections: 2
YAML
cat >"$work/suite.yaml" <<YAML
name: loads
scenarios: ["$work/answer.yaml"]
targets:
  - name: told_wrong
    command: "$broken --bug none --port {port} --workers {workers}"
    load:
      expected_body: "not what it answers\\n"
  - name: told_right
    command: "$broken --bug none --port {port} --workers {workers}"
    stop_signal: SIGTERM
    load:
      path: /
      headers:
        X-Suite: loads
      expected_body: "Hello from worker"
YAML
cell() {  # cell DIR TARGET FIELD
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]+"/suite.json"))
c=next(c for c in r["cells"] if c["target"]==sys.argv[2]); print(c["status"] if sys.argv[3]=="status" else c["runs"][0]["error"])' "$@"
}
run_suite() {  # run_suite EXPECTED_EXIT ARGS...
  local expected=$1 code=0; shift
  timeout 60 "$forkcheck" suite "$@" >"$work/out.txt" 2>&1 || code=$?
  [[ $code == "$expected" ]] || { cat "$work/out.txt" >&2; fail "suite $* exited $code, expected $expected"; }
}

# 1. Each target's own load: its cells run with it, the reference with its scenario's.
run_suite 2 "$work/suite.yaml" --report "$work/own"
[[ $(cell "$work/own" refcluster status) == passed ]] || fail "the reference did not pass: $(cat "$work/out.txt")"
[[ $(cell "$work/own" told_right status) == passed ]] || fail "told_right: $(cell "$work/own" told_right status)"
[[ $(cell "$work/own" told_wrong status) == could_not_run ]] || fail "told_wrong: $(cell "$work/own" told_wrong status)"
cell "$work/own" told_wrong error | grep -qF 'another body than the expected "not what it answers\n": pass --expect-body' ||
  fail "told_wrong's cell does not say why: $(cell "$work/own" told_wrong error)"
repro=$(sed -n '/^## Reproduce/,$p' "$work/own/cells/answer/told_right/run-1/report.md")
for want in "--path /" "--header 'X-Suite: loads'" "--expect-body 'Hello from worker'" "--stop-signal SIGTERM"; do
  grep -qF -- "$want" <<<"$repro" || fail "told_right's run lacks $want: $repro"
done

# 2. The command line's flags: over every target's own, never the reference's.
run_suite 2 "$work/suite.yaml" --expect-body 'Hello from nobody' --report "$work/flags"
[[ $(cell "$work/flags" refcluster status) == passed ]] || fail "the command line's body reached the reference"
[[ $(cell "$work/flags" told_right status) == could_not_run ]] || fail "the command line's body did not reach told_right"
run_suite 0 "$work/suite.yaml" --any-body --report "$work/any"
echo "ok"
