#!/usr/bin/env bash
# Readiness, row 7's spread and recovery times must not rest on refcluster's private X-Worker-Pid
# header: the walkthrough runs black-box (no event feed) against refcluster with the header and with
# --no-pid-header, RUNS times each, and every pair must reach the same verdicts, both with row 7's
# spread judged and a recovery within the deadline, the two recovery times within TOLERANCE_MS.
#
#   compare_pid_header.sh FORKCHECK REFCLUSTER [RUNS] [TOLERANCE_MS]
#
# Each run is bounded (timeout) and writes to a temporary directory removed afterwards
# (FORKCHECK_KEEP_REPORTS=1 keeps it). Prints one line per run: verdicts and recovery figures.
set -euo pipefail
[[ $# -ge 2 ]] || { echo "usage: $0 FORKCHECK REFCLUSTER [RUNS] [TOLERANCE_MS]" >&2; exit 2; }
forkcheck=$1 refcluster=$2 runs=${3:-1} tolerance_ms=${4:-250}
command -v jq >/dev/null || { echo "SKIP: jq is not installed (ci/bootstrap installs it)"; exit 77; }
work=$(mktemp -d "${TMPDIR:-/tmp}/forkcheck-pid-header.XXXXXX")
[[ ${FORKCHECK_KEEP_REPORTS:-0} == 1 ]] || trap 'rm -rf "$work"' EXIT

# run NAME EXTRA_FLAG: one black-box walkthrough; prints "verdicts|recovery_ms|spread_judged".
run() {
  local dir=$work/$1 status=0
  timeout -k 5 60 "$forkcheck" run walkthrough --workers 2 --port 0 --quiet --report "$dir" \
    --target "$refcluster --port {port} --workers {workers} $2" >"$dir.log" 2>&1 || status=$?
  [[ -f $dir/report.json ]] || { echo "FAIL: $1: no report.json (exit $status)" >&2; cat "$dir.log" >&2; return 1; }
  jq -r --arg status "$status" '[$status, ([.properties[] | "\(.name)=\(.verdict)"] | join(",")),
      ((.recoveries[0].recovery_ns // -1) / 1e6 | tostring),
      (.execution_table.rows | map(select(.step == 7)) | .[0].spread | tostring)] | join("|")' \
    "$dir/report.json"
}

failed=0
for ((i = 1; i <= runs; ++i)); do
  with=$(run "with-$i" "") || exit 1
  without=$(run "without-$i" "--no-pid-header") || exit 1
  echo "run $i: with header:    $with"
  echo "run $i: without header: $without"
  IFS='|' read -r s1 v1 r1 sp1 <<<"$with"
  IFS='|' read -r s2 v2 r2 sp2 <<<"$without"
  if [[ $s1 != "$s2" || $v1 != "$v2" ]]; then
    echo "FAIL: run $i: exit $s1 vs $s2, verdicts differ" >&2
    failed=1
  fi
  if [[ $sp1 != true || $sp2 != true ]]; then
    echo "FAIL: run $i: row 7's spread not judged true in both (with: $sp1, without: $sp2)" >&2
    failed=1
  fi
  if ! awk -v a="$r1" -v b="$r2" -v t="$tolerance_ms" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(a >= 0 && b >= 0 && d <= t) }'; then
    echo "FAIL: run $i: recovery ${r1} ms vs ${r2} ms (both must be measured, within ${tolerance_ms} ms)" >&2
    failed=1
  fi
done
exit "$failed"
