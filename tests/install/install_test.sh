#!/usr/bin/env bash
# `cmake --install` into a temporary prefix, then the installed forkcheck from another directory:
# `forkcheck list` and `forkcheck run walkthrough` must find the installed library and refcluster,
# not the source tree's. Bounded by `timeout`; the prefix is removed; forkcheck stops its target.
#
#   install_test.sh CMAKE BUILD_DIR
set -euo pipefail
[[ $# -eq 2 ]] || { echo "usage: $0 CMAKE BUILD_DIR" >&2; exit 2; }
cmake=$1 build=$2
work=$(mktemp -d "${TMPDIR:-/tmp}/forkcheck-install.XXXXXX")
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; for f in "$work"/out "$work"/err; do [[ -r $f ]] && { echo "--- $f"; tail -n 30 "$f"; }; done; exit 1; }
prefix=$work/prefix

timeout 120 "$cmake" --install "$build" --prefix "$prefix" >"$work/out" 2>"$work/err" || fail "cmake --install failed"
for f in bin/forkcheck bin/refcluster share/forkcheck/scenarios/walkthrough.yaml share/forkcheck/scenarios/README.md \
         share/forkcheck/scenarios/targets/node-cluster.mjs share/doc/forkcheck/README.md share/doc/forkcheck/docs/design.md; do
  [[ -f $prefix/$f ]] || fail "not installed: $f"
done
# The installed README is the project's (docs/README.md must not replace it).
cmp -s "$prefix/share/doc/forkcheck/README.md" "$(dirname "$0")/../../README.md" || fail "share/doc/forkcheck/README.md is not README.md"
# Every relative link of the installed Markdown (docs and library) finds an installed file.
broken=""
while IFS= read -r md; do
  while IFS= read -r link; do
    target=${link%%#*}
    [[ -z $target || $target == *://* || $target == mailto:* ]] && continue
    [[ -e $(dirname "$md")/$target ]] || broken+="  ${md#"$prefix"/} -> $link"$'\n'
  done < <(grep -oE '\]\([^) ]+\)' "$md" | sed 's/^](//; s/)$//')
done < <(find "$prefix/share" -name '*.md')
[[ -z $broken ]] || fail "installed Markdown links to files that are not installed:"$'\n'"$broken"
for f in bin/forkcheck bin/refcluster share/forkcheck/scenarios/targets/gunicorn-target.sh \
         share/forkcheck/scenarios/targets/nginx-target.sh; do
  [[ -x $prefix/$f ]] || fail "not executable once installed: $f"
done

mkdir "$work/elsewhere" && cd "$work/elsewhere"
# No FORKCHECK_SCENARIOS, and a PATH without the build tree: only the installed layout can answer.
run() { status=0; env -u FORKCHECK_SCENARIOS PATH=/usr/bin:/bin timeout -k 5 60 "$prefix/bin/forkcheck" "$@" \
          >"$work/out" 2>"$work/err" </dev/null || status=$?; }
run list
((status == 0)) || fail "forkcheck list exited $status"
grep -qF "library $prefix/share/forkcheck/scenarios)" "$work/out" || fail "list does not use the installed library"
grep -qE '^  walkthrough +N=auto +The' "$work/out" || fail "list shows no walkthrough"
grep -qE '^  gunicorn-target.sh +gunicorn as a forkcheck target' "$work/out" || fail "list shows no installed peer target"

run run walkthrough --port 0 --workers 2 --report "$work/r"
((status == 0)) || fail "forkcheck run walkthrough exited $status"
head -n 1 "$work/out" | grep -qF "'$prefix/bin/refcluster' --host 127.0.0.1 --port" || fail "not the installed refcluster: $(head -n 1 "$work/out")"
[[ -s $work/r/report.md ]] || fail "no report.md"
echo "PASS: installed into $prefix; list and run walkthrough from another directory"
