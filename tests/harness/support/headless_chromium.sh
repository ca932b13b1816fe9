# Sourced by the browser tests (label `browser`): a page rendered by headless Chromium with the
# network blocked, its DOM dumped, and the checks every page must pass (nothing said on the
# console, nothing fetched).
#
#   start_browser_test               sets $browser (or exits 77, ctest's SKIP_RETURN_CODE) and $work,
#                                    a temporary directory removed at exit with any chromium left
#   fail MESSAGE                     prints FAIL: MESSAGE and exits 1
#   render_dom PAGE OUT              dumps PAGE's rendered DOM to OUT; log and net log under $work
#   assert_quiet_console             no console message while loading (no script error)
#   assert_nothing_fetched           the net log holds no URL of the page's
#
# Bounded: chromium runs under `timeout` in its own process group, which is killed by its id, and
# the test fails if anything of it is left.
readonly BROWSER_SKIP=77
chromium_group=""

fail() { echo "FAIL: $*"; exit 1; }

end_browser_test() {
  if [[ -n "$chromium_group" ]]; then kill -KILL -- "-$chromium_group" 2>/dev/null || true; fi
  rm -rf "$work"
}

start_browser_test() {
  browser=$(command -v chromium || command -v chromium-browser || true)
  if [[ -z "$browser" ]]; then
    echo "SKIP: chromium is not installed (ci/bootstrap installs Debian's chromium)"
    exit "$BROWSER_SKIP"
  fi
  work=$(mktemp -d)
  trap end_browser_test EXIT
}

render_dom() {
  local page=$1 out=$2
  # Its own session and process group (setsid execs: a background job of a script is no group
  # leader), so everything chromium forks is killed with it.
  setsid timeout -k 5 60 "$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --host-resolver-rules="MAP * ~NOTFOUND" \
    --user-data-dir="$work/profile" --enable-logging=stderr --v=0 --log-net-log="$work/net.json" \
    --dump-dom "file://$(realpath "$page")" >"$out" 2>"$work/chromium.log" &
  chromium_group=$!
  wait "$chromium_group" || fail "chromium exited $? (log: $(tail -3 "$work/chromium.log"))"
  kill -KILL -- "-$chromium_group" 2>/dev/null || true
  for _ in $(seq 50); do pgrep -g "$chromium_group" >/dev/null || break; sleep 0.1; done
  if pgrep -g "$chromium_group" >/dev/null; then fail "chromium processes left behind in group $chromium_group"; fi
  chromium_group=""
  [[ -s "$out" ]] || fail "chromium rendered nothing"
}

assert_quiet_console() {
  if grep -E ':CONSOLE' "$work/chromium.log"; then fail "console messages while loading"; fi
}

# Chromium's own update and account checks (Google hosts, unresolvable here) are not the page's.
assert_nothing_fetched() {
  local fetched
  fetched=$(grep -o '"url":"[a-z]*://[^"/]*' "$work/net.json" | sed 's|"url":"||' | sort -u |
            grep -vE '^(file://|https?://[^/]*\.(google\.com|googleapis\.com|gstatic\.com)$)' || true)
  [[ -z "$fetched" ]] || fail "the page made the browser fetch: $fetched"
}

browser_version() { "$browser" --version 2>/dev/null | head -1; }
