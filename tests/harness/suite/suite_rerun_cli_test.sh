#!/usr/bin/env bash
# --rerun-failed for real: a target that fails its first run (brokencluster --bug no_respawn) and
# passes every later one (--bug none). Without reruns the cell is a conformance failure; with
# --rerun-failed 2 its seed is run again once, passes, and the cell is flaky (not passed): exit 1,
# both runs in suite.json, the rerun's own report directory, a console line for it, and each
# cell's time in index.html and summary.md.
# Usage: suite_rerun_cli_test.sh FORKCHECK BROKENCLUSTER SCENARIO
set -euo pipefail
[[ $# -eq 3 ]] || { echo "usage: $0 FORKCHECK BROKENCLUSTER SCENARIO" >&2; exit 2; }
forkcheck=$1 broken=$2 scenario=$(realpath "$3")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

cat >"$work/flip.sh" <<SH
#!/bin/sh
# The first start fails workers_restored (no_respawn); every later start passes (none).
if [ -e "$work/flip.ran" ]; then exec "$broken" --bug none --port "\$1" --workers "\$2"; fi
touch "$work/flip.ran"
exec "$broken" --bug no_respawn --port "\$1" --workers "\$2"
SH
chmod +x "$work/flip.sh"
cat >"$work/suite.yaml" <<YAML
name: rerun
scenarios: ["$scenario"]
targets:
  - name: flip
    command: "$work/flip.sh {port} {workers}"
YAML
name=$(sed -n 's/^name: *//p' "$scenario" | head -n 1)
json() {  # json DIR EXPRESSION: EXPRESSION over r = suite.json, c = the flip cell
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]+"/suite.json")); c=next(c for c in r["cells"] if c["target"]=="flip")
print(eval(sys.argv[2]))' "$1" "$2"
}
suite() {  # suite EXPECTED_EXIT ARGS...
  local expected=$1 code=0; shift
  timeout -k 5 60 "$forkcheck" suite "$work/suite.yaml" "$@" >"$work/out.txt" 2>&1 || code=$?
  ((code == expected)) || fail "suite $* exited $code, expected $expected: $(tail -n 20 "$work/out.txt")"
}

# Without reruns: the one run failed, a conformance failure.
suite 1 --report "$work/once"
[[ $(json "$work/once" 'c["status"]') == conformance_failure ]] || fail "not a conformance failure: $(json "$work/once" c)"

# With --rerun-failed 2: the seed runs again, passes, and the cell is flaky with both runs.
rm -f "$work/flip.ran"
suite 1 --rerun-failed 2 --report "$work/rerun"
[[ $(json "$work/rerun" 'c["status"]') == flaky ]] || fail "not flaky: $(json "$work/rerun" c)"
[[ $(json "$work/rerun" '[(x["seed"], x["rerun"], x["exit_code"]) for x in c["runs"]] == [(c["runs"][0]["seed"], 0, 1), (c["runs"][0]["seed"], 1, 0)]') == True ]] ||
  fail "runs: $(json "$work/rerun" 'c["runs"]')"
[[ $(json "$work/rerun" 'r["rerun_failed"]') == 2 ]] || fail "rerun_failed not recorded"
[[ $(json "$work/rerun" 'abs(c["wall_s"] - sum(x["wall_s"] for x in c["runs"])) < 1e-9 and c["wall_s"] > 0') == True ]] ||
  fail "the cell's time is not its runs' time"
[[ -f $work/rerun/cells/$name/flip/run-1-rerun-1/report.json ]] || fail "no report of the rerun"
# A run's failed load requests (excused ones beside them) follow its time when it had any.
requests=$(json "$work/rerun" '"" if not c["runs"][1]["requests_failed"] else " · %d failed request%s (%d excused)" % (c["runs"][1]["requests_failed"], "" if c["runs"][1]["requests_failed"] == 1 else "s", c["runs"][1]["requests_excused"])')
grep -qE "^\[rerun 1\] $name × flip seed [0-9]+: pass [0-9.]+ s${requests//[()]/.}$" "$work/out.txt" || fail "no console line: $(cat "$work/out.txt")"
grep -q '>run 1 rerun 1</a>' "$work/rerun/index.html" || fail "index.html does not link the rerun"
time_s=$(json "$work/rerun" '"%.1f" % c["wall_s"]')
grep -q "<div class=\"time\">$time_s s</div>" "$work/rerun/index.html" || fail "index.html: no cell time $time_s s"
cell_requests=$(json "$work/rerun" '(lambda f, e: "" if not f else "%d failed request%s (%d excused); " % (f, "" if f == 1 else "s", e))(sum(x["requests_failed"] for x in c["runs"]), sum(x["requests_excused"] for x in c["runs"]))')
grep -qF "**flaky**: workers_restored; 1/2 fail (1 rerun); $cell_requests$time_s s |" "$work/rerun/summary.md" ||
  fail "summary.md: no flaky cell with its time: $(cat "$work/rerun/summary.md")"
echo "PASS: a cell that passes on rerun is flaky, exit 1"
