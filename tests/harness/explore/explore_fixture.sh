#!/usr/bin/env bash
# forkcheck explore against one target; checks the exit status, the shape of the shrunk schedule and
# that `forkcheck run` replays the counterexample's failure.
#
#   explore_fixture.sh FORKCHECK TARGET_CMD SEED CASES EXPECT
#
# EXPECT: no_counterexample  explore exits 0, or 3 when some cases were undecided (a schedule can
#                     still draw a fault whose victims an earlier fault killed: its property is
#                     unknown) and then lists them;
#         one_kill    exits 1; the counterexample is one fault killing one worker;
#         two_kills   exits 1; it kills two workers in all, at most 50 ms apart.
# Either way of failing, explore must have replayed the shrunk schedule 3 times (cases/replay-<k>) and
# say "fails R'/3 replays" on the console, in report.md and in junit.xml, "timing-dependent" exactly
# when R' < 3, R' matching the replays' own reports; and the counterexample replayed with
# `forkcheck run` must exit 1.
# Bounded by `timeout` (FORKCHECK_EXPLORE_TIMEOUT_S, default 120 s); the report directory is removed.
set -euo pipefail
[[ $# -eq 5 ]] || { echo "usage: $0 FORKCHECK TARGET_CMD SEED CASES no_counterexample|one_kill|two_kills" >&2; exit 2; }
forkcheck=$1 target=$2 seed=$3 cases=$4 expect=$5
work=$(mktemp -d "${TMPDIR:-/tmp}/forkcheck-explore.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; tail -n 30 "$work/out" || true; exit 1; }

status=0
timeout -k 5 "${FORKCHECK_EXPLORE_TIMEOUT_S:-120}" "$forkcheck" explore --target "$target" --seed "$seed" \
  --cases "$cases" --max-faults 4 --workers 3 --signals "${FORKCHECK_EXPLORE_SIGNALS:-SIGKILL,SIGTERM}" --report "$work/report" >"$work/out" 2>&1 </dev/null || status=$?
grep -E '^(cases:|counterexample|replay |  [0-9]+ faults?:|  replays:)' "$work/out" || true
if [[ $expect == no_counterexample ]]; then
  ((status == 0 || status == 3)) || fail "expected exit 0 or 3, got $status"
  [[ ! -e $work/report/counterexample.yaml ]] || fail "a counterexample was written"
  if ((status == 3)); then
    grep -q "case(s) undecided" "$work/out" || fail "exit 3 without the undecided cases listed"
    grep -A20 "case(s) undecided" "$work/out"
  fi
  [[ -s $work/report/report.md && -s $work/report/junit.xml ]] || fail "explore wrote no report.md or junit.xml"
  grep -qi "Using configuration" "$work/out" && fail "rapidcheck's configuration line was printed" || true
  echo "PASS: $cases cases, no property failed (exit $status)"
  exit 0
fi
((status == 1)) || fail "expected exit 1 (a counterexample), got $status"
yaml=$work/report/counterexample.yaml
[[ -r $yaml ]] || fail "no counterexample.yaml"
# One "at_s victims" line per fault.
faults=$(awk '/^    at_s:/ { at = $2 } /^    victims:/ { print at, ($2 > 3 ? 3 : $2) }' "$yaml")
echo "--- shrunk schedule (at_s victims) ---"
echo "$faults"
count=$(wc -l <<<"$faults")
killed=$(awk '{ n += $2 } END { print n }' <<<"$faults")
spread=$(awk 'NR == 1 { lo = hi = $1 } { if ($1 < lo) lo = $1; if ($1 > hi) hi = $1 } END { print (hi - lo) * 1000 }' <<<"$faults")
case $expect in
  one_kill) ((count == 1 && killed == 1)) || fail "expected one fault killing one worker, got $count fault(s), $killed victim(s)" ;;
  two_kills)
    ((killed == 2)) || fail "expected two workers killed in all, got $killed"
    awk -v s="$spread" 'BEGIN { exit !(s <= 50) }' || fail "expected the kills within 50 ms, spread $spread ms"
    ;;
  *) fail "unknown expectation $expect" ;;
esac
# explore's own replays: three fresh runs of the shrunk schedule, counted and named in every summary.
replay_dirs=("$work"/report/cases/replay-*)
((${#replay_dirs[@]} == 3)) || fail "expected 3 replay folders, got ${#replay_dirs[@]}"
failed_replays=0
for dir in "${replay_dirs[@]}"; do
  grep -q '<failure' "$dir/report/junit.xml" && failed_replays=$((failed_replays + 1))
done
said="fails $failed_replays/3 replays"
((failed_replays < 3)) && said+=" (timing-dependent)"
grep -qF "  replays: $said" "$work/out" || fail "the console does not say '$said'"
grep -qF "$said" "$work/report/report.md" || fail "report.md does not say '$said'"
grep -qF "$said" "$work/report/junit.xml" || fail "junit.xml does not say '$said'"
((failed_replays < 3)) || ! grep -q "timing-dependent" "$work/report/report.md" || fail "report.md calls a 3/3 failure timing-dependent"
echo "explore's replays: $said"
# The failures are races: a replay may miss one (e.g. a victim already gone: undecided, exit 3), so up
# to three replays are made and one must fail.
replays=""
for attempt in 1 2 3; do
  replay=0
  timeout -k 5 60 "$forkcheck" run "$yaml" --quiet --report "$work/replay$attempt" >"$work/replay.out" 2>&1 </dev/null ||
    replay=$?
  replays+=" $replay"
  ((replay == 1)) && break
done
((replay == 1)) || fail "the counterexample replayed with forkcheck run exited$replays, never 1"
echo "PASS: shrunk to $count fault(s), $killed victim(s), spread ${spread} ms; forkcheck run replays the failure (exits:$replays)"
