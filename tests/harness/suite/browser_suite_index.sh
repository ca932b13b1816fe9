#!/usr/bin/env bash
# The suite's index.html in a real browser: headless Chromium loads it (network blocked) and the
# rendered DOM must hold one row per scenario and one column per target (the reference first), each
# cell with the status the matrix must show as its text label, every run link leading to a file
# that exists, every note reference to its note; the console must stay silent and nothing be fetched.
#
#   browser_suite_index.sh FORKCHECK REFCLUSTER BROKENCLUSTER SCENARIO
#       a real suite: refcluster (the reference) and brokencluster --bug no_respawn on SCENARIO
#       (tests/fixtures/fixture-scenarios/no_respawn.yaml), brokencluster's workers_restored
#       failure listed as expected; `forkcheck suite` must exit 0, then the check
#   browser_suite_index.sh --check DIR
#       DIR holds index.html and expected-matrix.tsv (scenario, target, status label per cell, in
#       matrix order), as write_sample_suite writes them
#
# Exit 0: pass; 1: a check failed; 77 (ctest SKIP_RETURN_CODE): chromium is not installed.
# Bounded: forkcheck under `timeout`, chromium as ../support/headless_chromium.sh runs it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../support/headless_chromium.sh"

start_browser_test

run_fixture_suite() {
  local forkcheck=$1 refcluster=$2 brokencluster=$3 scenario=$4
  # The suite names a scenario by its `name:` key (as its reports do), else by the file's stem.
  local name
  name=$(sed -n 's/^name: *//p' "$scenario" | head -n 1)
  [[ -n $name ]] || name=$(basename "$scenario" .yaml)
  report=$work/suite
  cat >"$work/suite.yaml" <<YAML
name: browser
workers: 2
scenarios:
  - $(realpath "$scenario")
targets:
  - name: refcluster
    reference: true
    command: "$refcluster --port {port} --workers {workers}"
  - name: brokencluster
    command: "$brokencluster --bug no_respawn --port {port} --workers {workers}"
    expected:
      - scenario: $name
        expect: fail
        properties: [workers_restored]
        reason: "the no_respawn bug: a dead worker is never replaced"
YAML
  local status=0
  timeout -k 5 90 "$forkcheck" suite "$work/suite.yaml" --report "$report" --quiet >"$work/suite.out" 2>&1 || status=$?
  ((status == 0)) || fail "forkcheck suite exited $status: $(tail -n 20 "$work/suite.out")"
  printf '%s\trefcluster\tpassed\n%s\tbrokencluster\texpected failure\n' "$name" "$name" >"$work/expected-matrix.tsv"
  expected=$work/expected-matrix.tsv
}

if [[ "${1:-}" == "--check" ]]; then
  report=$2 expected=$2/expected-matrix.tsv
else
  [[ $# -eq 4 ]] || { echo "usage: $0 FORKCHECK REFCLUSTER BROKENCLUSTER SCENARIO | --check DIR" >&2; exit 2; }
  run_fixture_suite "$@"
fi
[[ -f "$report/index.html" ]] || fail "no index.html in $report"
[[ -s "$expected" ]] || fail "no expected matrix $expected"

dom=$work/dom.html
render_dom "$report/index.html" "$dom"

# Attribute values as the DOM serialises them, back to text.
unescape() { sed -e 's/&quot;/"/g' -e 's/&lt;/</g' -e 's/&gt;/>/g' -e "s/&#39;/'/g" -e 's/&amp;/\&/g'; }
attribute_values() { grep -o "$1=\"[^\"]*\"" "$dom" | sed -e "s/^$1=\"//" -e 's/"$//' | unescape; }
count() { grep -o "$1" "$dom" | wc -l; }

scenarios=$(cut -f1 "$expected" | uniq)
targets=$(cut -f2 "$expected" | awk '!seen[$0]++')
n_scenarios=$(wc -l <<<"$scenarios") n_targets=$(wc -l <<<"$targets")
echo "index.html: $report/index.html; expected $n_scenarios scenarios × $n_targets targets"

(($(count '<tr class="scenario"') == n_scenarios)) || fail "$(count '<tr class="scenario"') rows for $n_scenarios scenarios"
(($(count '<th class="target') == n_targets)) || fail "$(count '<th class="target') columns for $n_targets targets"
[[ $(grep -o '<th class="target[^"]*"' "$dom" | head -1) == '<th class="target reference"' ]] ||
  fail "the first column is not the reference"
[[ "$(attribute_values data-scenario)" == "$scenarios" ]] || fail "rows $(attribute_values data-scenario | paste -sd,)"
[[ "$(grep -o '<th class="target[^>]*' "$dom" | grep -o 'data-target="[^"]*"' | sed 's/^data-target="//; s/"$//' | unescape)" == "$targets" ]] ||
  fail "column heads are not the targets in order"

# Each cell: its target in column order, and its status as text (the badge), equal to the expected.
cells=$(grep -o '<td class="cell [^"]*" data-status="[^"]*" data-target="[^"]*"[^>]*><span class="status [^"]*">[^<]*</span>' "$dom" |
        sed -E 's/.*data-status="([^"]*)" data-target="([^"]*)".*<span[^>]*>([^<]*)<\/span>/\2\t\1\t\3/' | unescape)
want=$(awk -F'\t' '{print $2 "\t" $3 "\t" $3}' "$expected")
[[ "$cells" == "$want" ]] || fail "cells differ from the expected matrix:$(diff <(echo "$want") <(echo "$cells") || true)"

# Every run link is relative and opens a file that exists; every note reference has its note.
links=0
while IFS= read -r href; do
  [[ $href != *://* && $href != /* ]] || fail "a link that is not relative: $href"
  file=$(printf '%b' "${href//%/\\x}")
  [[ -f "$report/$file" ]] || fail "link $href: no file $report/$file"
  links=$((links + 1))
done < <(attribute_values href | grep -v '^#')
runs=$(awk -F'\t' '$3 != "skipped"' "$expected" | wc -l)
((links >= runs)) || fail "$links run links for $runs cells that ran"
while IFS= read -r anchor; do
  grep -q "id=\"${anchor#\#}\"" "$dom" || fail "link $anchor has no target"
done < <(attribute_values href | grep '^#' | sort -u)
grep -q 'id="legend"' "$dom" || fail "no legend"
assert_quiet_console
assert_nothing_fetched
echo "PASS: index.html ($n_scenarios × $n_targets, $links run links) rendered in $(browser_version)"
