#!/usr/bin/env bash
# A tiny real suite: two short scenarios × refcluster (the reference) + brokencluster none and
# no_respawn. Without an expectation no_respawn's failure exits 1; with it, 0; a stale expectation
# (on none) exits 1; --shard 1/2 and 2/2 merged give the unsharded matrix.
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
echo "ok"
