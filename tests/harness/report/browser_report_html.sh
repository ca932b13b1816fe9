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
# Bounded: forkcheck and chromium each under `timeout`; chromium runs in its own process group,
# which is killed by its id at the end, and the test fails if anything of it is left.
set -euo pipefail
readonly SKIP=77

browser=$(command -v chromium || command -v chromium-browser || true)
if [[ -z "$browser" ]]; then echo "SKIP: chromium is not installed (ci/bootstrap installs Debian's chromium)"; exit "$SKIP"; fi
if ! command -v jq >/dev/null; then echo "SKIP: jq is not installed (ci/bootstrap installs it)"; exit "$SKIP"; fi

work=$(mktemp -d)
chromium_group=""
cleanup() {
  if [[ -n "$chromium_group" ]]; then kill -KILL -- "-$chromium_group" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fail() { echo "FAIL: $*"; exit 1; }

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

# Its own session and process group (setsid execs: a background job of a script is no group leader),
# so everything chromium forks is killed with it.
setsid timeout -k 5 60 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync --host-resolver-rules="MAP * ~NOTFOUND" \
  --user-data-dir="$work/profile" --enable-logging=stderr --v=0 --log-net-log="$work/net.json" \
  --dump-dom "file://$(realpath "$report/report.html")" >"$work/dom.html" 2>"$work/chromium.log" &
chromium_group=$!
wait "$chromium_group" || fail "chromium exited $? (log: $(tail -3 "$work/chromium.log"))"
kill -KILL -- "-$chromium_group" 2>/dev/null || true
for _ in $(seq 50); do pgrep -g "$chromium_group" >/dev/null || break; sleep 0.1; done
if pgrep -g "$chromium_group" >/dev/null; then fail "chromium processes left behind in group $chromium_group"; fi
chromium_group=""

count() { grep -o "$1" "$work/dom.html" | wc -l; }
workers=$(jq '.history.workers | length' "$report/report.json")
faults=$(jq '.history.faults | length' "$report/report.json")
lanes=$(count 'class="lane worker"')
markers=$(count 'class="fault-marker"')
echo "report: $report"
echo "workers seen $workers, worker lanes $lanes; faults $faults, fault markers $markers"
[[ -s "$work/dom.html" ]] || fail "chromium rendered nothing"
((workers > 0)) || fail "the run saw no worker"
((lanes == workers)) || fail "$lanes worker lanes for $workers workers"
((markers == faults)) || fail "$markers fault markers for $faults faults"
(($(count 'class="lane primary"') == 1)) || fail "no primary lane"
# The parser kept the SVG closed: the execution table follows the timeline, outside it.
tail_of_svg=$(sed -n '/<\/svg>/,$p' "$work/dom.html")
grep -q 'id="execution-table"' <<<"$tail_of_svg" || fail "the execution table is not after the timeline"
if grep -E ':CONSOLE' "$work/chromium.log"; then fail "console messages while loading"; fi
# Nothing fetched: the net log holds only chromium's own update and account checks (Google hosts,
# unresolvable here), never a URL of the page's.
fetched=$(grep -o '"url":"[a-z]*://[^"/]*' "$work/net.json" | sed 's|"url":"||' | sort -u |
          grep -vE '^(file://|https?://[^/]*\.(google\.com|googleapis\.com|gstatic\.com)$)' || true)
[[ -z "$fetched" ]] || fail "report.html made the browser fetch: $fetched"
echo "PASS: report.html rendered in $("$browser" --version 2>/dev/null | head -1)"
