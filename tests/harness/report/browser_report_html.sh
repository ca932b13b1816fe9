#!/usr/bin/env bash
# report.html in a real browser: a short forkcheck run against refcluster, then headless Chromium
# loads the run's report.html (network blocked) and the rendered DOM must hold one lane per worker
# the run saw and one marker per fault (counted in report.json), the whole timeline and the
# execution table after it; the console must stay silent (no script error) and nothing be fetched.
#
#   browser_report_html.sh FORKCHECK SCENARIO   run, then check
#   browser_report_html.sh --check REPORT_DIR   check an existing report directory
#
# Exit 0: pass; 1: a check failed; 77 (ctest SKIP_RETURN_CODE): chromium or jq is not installed.
# Bounded: forkcheck under `timeout`, chromium as ../support/headless_chromium.sh runs it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../support/headless_chromium.sh"

start_browser_test
if ! command -v jq >/dev/null; then echo "SKIP: jq is not installed (ci/bootstrap installs it)"; exit "$BROWSER_SKIP"; fi

if [[ "${1:-}" == "--check" ]]; then
  report=$2
else
  forkcheck=$1 scenario=$2
  report=$work/report
  set +e
  timeout -k 5 90 "$forkcheck" run "$scenario" --port 0 --workers 3 --report "$report" --quiet
  status=$?
  set -e
  # 0 pass, 1 a property failed, 3 undecided: each still writes its report; 2 or a timeout does not.
  [[ $status == 0 || $status == 1 || $status == 3 ]] || fail "forkcheck run exited $status"
fi
[[ -f "$report/report.html" && -f "$report/report.json" ]] || fail "no report.html or report.json in $report"

render_dom "$report/report.html" "$work/dom.html"

count() { grep -o "$1" "$work/dom.html" | wc -l; }
workers=$(jq '.history.workers | length' "$report/report.json")
faults=$(jq '.history.faults | length' "$report/report.json")
lanes=$(count 'class="lane worker"')
markers=$(count 'class="fault-marker"')
echo "report: $report"
echo "workers seen $workers, worker lanes $lanes; faults $faults, fault markers $markers"
((workers > 0)) || fail "the run saw no worker"
((lanes == workers)) || fail "$lanes worker lanes for $workers workers"
((markers == faults)) || fail "$markers fault markers for $faults faults"
(($(count 'class="lane primary"') == 1)) || fail "no primary lane"
# The parser kept the SVG closed: the execution table follows the timeline, outside it.
tail_of_svg=$(sed -n '/<\/svg>/,$p' "$work/dom.html")
grep -q 'id="execution-table"' <<<"$tail_of_svg" || fail "the execution table is not after the timeline"
assert_quiet_console
assert_nothing_fetched
echo "PASS: report.html rendered in $(browser_version)"
