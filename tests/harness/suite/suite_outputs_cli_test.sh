#!/usr/bin/env bash
# The files a real `forkcheck suite` writes besides suite.json (each cell's time in index.html and
# summary.md, as suite.json has it), and the CI job summary: one short
# scenario × refcluster (the reference) and brokencluster --bug no_respawn with no expectation, so
# one conformance failure (exit 1). index.html, junit.xml and summary.md are in the report
# directory; $GITHUB_STEP_SUMMARY keeps what it held and gets summary.md once, and none of the
# cells' own `forkcheck run` summaries.
# Usage: suite_outputs_cli_test.sh FORKCHECK REFCLUSTER BROKENCLUSTER SCENARIO
set -euo pipefail
[[ $# -eq 4 ]] || { echo "usage: $0 FORKCHECK REFCLUSTER BROKENCLUSTER SCENARIO" >&2; exit 2; }
forkcheck=$1 refcluster=$2 brokencluster=$3 scenario=$(realpath "$4")
name=$(basename "$scenario" .yaml)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat >"$work/suite.yaml" <<YAML
name: outputs
scenarios: ["$scenario"]
targets:
  - name: refcluster
    reference: true
    command: "$refcluster --port {port} --workers {workers}"
  - name: no_respawn
    command: "$brokencluster --bug no_respawn --port {port} --workers {workers}"
YAML
echo "an earlier step's summary" >"$work/step-summary.md"
status=0
GITHUB_STEP_SUMMARY=$work/step-summary.md timeout -k 5 60 "$forkcheck" suite "$work/suite.yaml" --report "$work/r" --quiet \
  >"$work/out" 2>&1 || status=$?
((status == 1)) || fail "exit $status, expected 1 (a conformance failure): $(tail -n 20 "$work/out")"
for f in index.html junit.xml summary.md suite.json; do [[ -s $work/r/$f ]] || fail "no $f"; done

# junit.xml: a testsuite per target, a testcase per scenario, the failure on no_respawn's.
(($(grep -c '<testsuite ' "$work/r/junit.xml") == 2)) || fail "junit.xml: not 2 testsuites"
(($(grep -c "<testcase name=\"$name\"" "$work/r/junit.xml") == 2)) || fail "junit.xml: not a testcase per target"
grep -q '<failure message="conformance failure: workers_restored' "$work/r/junit.xml" || fail "junit.xml: no conformance failure"
grep -q '<testsuites name="forkcheck.suite.outputs" tests="2" failures="1" errors="0" skipped="0"' "$work/r/junit.xml" ||
  fail "junit.xml: wrong totals: $(grep '<testsuites' "$work/r/junit.xml")"

# summary.md: the matrix row, each cell with its time as suite.json has it, and the unexpected
# cell with its failing property.
cell_time() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))
print("%.1f" % next(c["wall_s"] for c in r["cells"] if c["target"] == sys.argv[2]))' "$work/r/suite.json" "$1"; }
ref_s=$(cell_time refcluster) peer_s=$(cell_time no_respawn)
# Before the time, the failed load requests of the cell's runs with the excused ones, when any failed.
cell_requests() { python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))
runs=next(c["runs"] for c in r["cells"] if c["target"] == sys.argv[2])
failed=sum(x["requests_failed"] for x in runs); excused=sum(x["requests_excused"] for x in runs)
print("%d failed request%s (%d excused); " % (failed, "" if failed == 1 else "s", excused) if failed else "", end="")' "$work/r/suite.json" "$1"; }
ref_req=$(cell_requests refcluster) peer_req=$(cell_requests no_respawn)
grep -qF "| \`$name\` | ✅ passed; $ref_req$ref_s s | ❌ **conformance failure**: workers_restored; $peer_req$peer_s s |" "$work/r/summary.md" ||
  fail "summary.md has no matrix row with the cells' requests and times ($ref_req$ref_s s, $peer_req$peer_s s): $(cat "$work/r/summary.md")"
grep -qF "<div class=\"time\">$peer_s s</div>" "$work/r/index.html" || fail "index.html: no cell time $peer_s s"
grep -qF -- "- \`$name\` × \`no_respawn\`: **conformance failure** — failing workers_restored" "$work/r/summary.md" ||
  fail "summary.md lists no unexpected cell"

# The step summary: what it held, then summary.md once; no cell's run summary.
[[ $(head -n 1 "$work/step-summary.md") == "an earlier step's summary" ]] || fail "the step summary was truncated"
(($(grep -c '^## forkcheck suite' "$work/step-summary.md") == 1)) || fail "the suite's summary is not there once"
(($(grep -c '^### forkcheck run' "$work/step-summary.md") == 0)) || fail "the cells' runs appended their own summaries"
diff <(tail -n +2 "$work/step-summary.md") <(cat "$work/r/summary.md"; echo) >/dev/null ||
  fail "the step summary is not summary.md: $(diff <(tail -n +2 "$work/step-summary.md") "$work/r/summary.md")"
echo "PASS: suite outputs and step summary"
