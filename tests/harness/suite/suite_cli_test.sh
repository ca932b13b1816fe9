#!/usr/bin/env bash
# A tiny real suite: two short scenarios × refcluster (the reference) + brokencluster none and
# no_respawn. Without an expectation no_respawn's failure exits 1; with it, 0; a stale expectation
# (on none) exits 1; an expectation of a scenario the suite does not run is an error at its line
# (exit 2, nothing run); --shard 1/2 and 2/2 merged give the unsharded matrix; shard 1/2 alone is
# refused (exit 2, naming shard 2/2 and its cells), and with --allow-partial merged into a report
# marked partial in every file, still exit 2. A target behind a router (brokencluster --router) whose
# workers only its workers_match names runs as a passing cell.
# Usage: suite_cli_test.sh FORKCHECK BROKENCLUSTER FIXTURE_DIR
set -euo pipefail
forkcheck=$1 broken=$2 here=$(cd "$3" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

write_suite() {  # write_suite FILE EXPECTATIONS_OF_NO_RESPAWN EXPECTATIONS_OF_NONE
  cat > "$1" <<YAML
name: tiny
scenarios: ["$here/short_kill_*.yaml"]
targets:
  - name: none
    command: "$broken --bug none --port {port} --workers {workers}"
$3
  - name: no_respawn
    command: "$broken --bug no_respawn --port {port} --workers {workers}"
$2
YAML
}
expect_no_respawn='    expected:
      - scenario: short_kill_random
        expect: fail
        properties: [workers_restored]
        reason: brokencluster no_respawn never replaces a dead worker
      - scenario: short_kill_newest
        expect: fail
        properties: [workers_restored]
        reason: brokencluster no_respawn never replaces a dead worker'
stale_on_none='    expected:
      - scenario: short_kill_random
        expect: fail
        properties: [workers_restored]
        reason: a stale expectation'

status_of() {  # status_of DIR SCENARIO TARGET
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]+"/suite.json"))
print(next(c["status"] for c in r["cells"] if c["scenario"]==sys.argv[2] and c["target"]==sys.argv[3]))' "$@"
}
matrix_of() {
  python3 -c 'import json,sys; r=json.load(open(sys.argv[1]+"/suite.json"))
print([(c["scenario"], c["target"], c["status"], c["failing_properties"], [x["seed"] for x in c["runs"]]) for c in r["cells"]], r["exit_code"])' "$1"
}
run_suite() {  # run_suite EXPECTED_EXIT ARGS...
  local expected=$1 code=0; shift
  timeout 60 "$forkcheck" suite "$@" > "$work/out.txt" 2>&1 || code=$?
  [[ $code == "$expected" ]] || { cat "$work/out.txt" >&2; fail "suite $* exited $code, expected $expected"; }
}

# 1. No expectation: no_respawn fails workers_restored where the reference passes: exit 1.
write_suite "$work/plain.yaml" "" ""
run_suite 1 "$work/plain.yaml" --scenario "$here/short_kill_random.yaml" --report "$work/plain"
[[ $(status_of "$work/plain" short_kill_random no_respawn) == conformance_failure ]] || fail "no_respawn not a conformance failure"
[[ $(status_of "$work/plain" short_kill_random refcluster) == passed ]] || fail "reference did not pass"
grep -q '\] short_kill_random × no_respawn: fail workers_restored' "$work/out.txt" || fail "no progress line: $(cat "$work/out.txt")"

# 2. With the expectation: exit 0; every cell as expected (the unsharded matrix for step 4).
write_suite "$work/expected.yaml" "$expect_no_respawn" ""
run_suite 0 "$work/expected.yaml" --report "$work/whole"
[[ $(status_of "$work/whole" short_kill_newest no_respawn) == expected_failure ]] || fail "not an expected failure"

# 3. A stale expectation (none passes): exit 1, unexpected_pass.
write_suite "$work/stale.yaml" "$expect_no_respawn" "$stale_on_none"
run_suite 1 "$work/stale.yaml" --scenario "$here/short_kill_random.yaml" --report "$work/stale"
[[ $(status_of "$work/stale" short_kill_random none) == unexpected_pass ]] || fail "stale expectation not reported"

# 4. Two shards merged equal the unsharded run.
run_suite 0 "$work/expected.yaml" --shard 1/2 --report "$work/shard1"
run_suite 0 "$work/expected.yaml" --shard 2/2 --report "$work/shard2"
[[ "$(matrix_of "$work/shard1")" != "$(matrix_of "$work/shard2")" ]] || fail "shards ran the same cells"
run_suite 0 merge "$work/shard1" "$work/shard2" --report "$work/merged"
[[ "$(matrix_of "$work/merged")" == "$(matrix_of "$work/whole")" ]] ||
  fail "merged $(matrix_of "$work/merged") != unsharded $(matrix_of "$work/whole")"
[[ -f $work/merged/cells/short_kill_newest/no_respawn/run-1/report.json ]] || fail "merge did not bring the cells' reports"
run_suite 0 merge "$work/shard2" "$work/shard1" --shards 2 --report "$work/merged-checked" --quiet
run_suite 2 merge "$work/shard1" "$work/shard2" --shards 3 --report "$work/merged-3"
grep -qF -- "--shards 3, but the suite was dealt to 2 shards" "$work/out.txt" || fail "wrong shard count not said: $(cat "$work/out.txt")"

# 5. A shard alone: refused, naming the missing shard and its cells (every cell of it would pass:
#    the merge must not say "every cell is as expected"); the job summary says why.
echo "an earlier step" > "$work/step-summary.md"
GITHUB_STEP_SUMMARY=$work/step-summary.md run_suite 2 merge "$work/shard1" --report "$work/alone"
grep -qF "forkcheck suite merge: incomplete: 3 cells missing, from 1 of the 2 shards" "$work/out.txt" || fail "no refusal: $(cat "$work/out.txt")"
grep -qF "  shard 2/2 (not given to merge): short_kill_random × refcluster, short_kill_random × none, short_kill_random × no_respawn" \
  "$work/out.txt" || fail "the missing cells are not named: $(cat "$work/out.txt")"
[[ ! -e $work/alone/suite.json ]] || fail "a refused merge wrote a report"
grep -qF '## forkcheck suite merge `tiny`: refused, exit 2' "$work/step-summary.md" || fail "the job summary does not say why"

# 6. --allow-partial: the report, marked partial everywhere, and still exit 2.
run_suite 2 merge "$work/shard1" --allow-partial --report "$work/partial"
grep -qF "PARTIAL: shard 2/2 missing, not given to merge (3 cells)" "$work/out.txt" || fail "console: not partial: $(cat "$work/out.txt")"
python3 - "$work/partial/suite.json" <<'PY' || fail "suite.json is not marked partial"
import json, sys
r = json.load(open(sys.argv[1]))
assert r["partial"] is True and r["exit_code"] == 2, (r["partial"], r["exit_code"])
assert [m["shard"] for m in r["missing_shards"]] == ["2/2"], r["missing_shards"]
missing = [(c["scenario"], c["target"]) for c in r["cells"] if c["status"] == "missing"]
assert missing == [("short_kill_random", t) for t in ("refcluster", "none", "no_respawn")], missing
assert r["shard_plan"]["count"] == 2 and r["merged_shards"] == ["1/2"], (r["shard_plan"], r["merged_shards"])
PY
grep -q 'id="partial"><b>Partial result</b>: shard 2/2 missing' "$work/partial/index.html" || fail "index.html: not partial"
grep -q '^## forkcheck suite `tiny` (partial): exit 2' "$work/partial/summary.md" || fail "summary.md: not partial"
(($(grep -c '<property name="partial" value="shard 2/2 missing' "$work/partial/junit.xml") == 3)) || fail "junit.xml: not partial"

# 7. An expectation naming a scenario the suite does not run: an error at its line, nothing run.
write_suite "$work/typo.yaml" '    expected:
      - scenario: short_kill_randm
        expect: fail
        properties: [workers_restored]
        reason: a typo' ""
run_suite 2 "$work/typo.yaml" --report "$work/typo"
grep -qF "$work/typo.yaml:10: targets[1].expected[0].scenario: 'short_kill_randm' is not a scenario this suite runs" \
  "$work/out.txt" || fail "no error at the expectation's line: $(cat "$work/out.txt")"
[[ ! -e $work/typo/cells ]] || fail "a cell ran"

# 8. A router in front of the workers: the kernel shows the router alone on the port; the target's
# workers_match reaches each cell's run (without it the run finds one worker of 2: could not run).
cat > "$work/router.yaml" <<YAML
name: router
scenarios: ["$here/short_kill_random.yaml"]
targets:
  - name: router
    command: "$broken --router --port {port} --workers {workers}"
    workers_match: "brokencluster: worker"
YAML
run_suite 0 "$work/router.yaml" --report "$work/router"
[[ $(status_of "$work/router" short_kill_random router) == passed ]] || fail "router target did not pass"
grep -q -- "--workers-match 'brokencluster: worker'" "$work/router/cells/short_kill_random/router/run-1/report.md" ||
  fail "the cell's run did not get the target's workers_match"
echo "ok"
