#!/usr/bin/env bash
# Runs one forkcheck scenario against a target and checks the verdict it reaches.
#
#   expect_verdict.sh [--require PROGRAM]... [--expect-saved GLOB TEXT]... [--workers-match RE] [--arg ARG]... FORKCHECK SCENARIO TARGET_CMD EXPECTED [PROPERTY...]
#
# EXPECTED is
#   0        forkcheck exits 0 and every testcase of junit.xml passed;
#   1        forkcheck exits 1 and the testcases with a <failure> are exactly the PROPERTY list;
#            every other testcase passed (no <error>, i.e. no unknown verdict);
#   decided  forkcheck exits 0 or 1 and no testcase is unknown (peers: whatever their verdicts).
# --require PROGRAM: exit 77 (ctest SKIP_RETURN_CODE) when PROGRAM is not on PATH.
# --expect-saved GLOB TEXT: some file of the report directory matching GLOB contains TEXT (e.g. a
#   wire-fuzz crash input, crash-input-*.bin, holding the request that killed a worker).
# --workers-match RE: passed to forkcheck run (workers told by command line, e.g. behind a router).
# --arg ARG: one more argument for `forkcheck run` (e.g. --arg --path --arg /healthz).
# TARGET_CMD '-': no --target, the scenario's own target (or refcluster) is run.
# The run uses --port 0 and a temporary report directory, removed afterwards (kept when
# FORKCHECK_KEEP_REPORTS=1). Time-bounded (FORKCHECK_CONFORMANCE_TIMEOUT_S, default 60 s); whatever
# of the run is still alive afterwards is SIGKILLed by pid (processes carrying this run's marker).
set -euo pipefail

readonly SKIP=77
usage() {
  echo "usage: $0 [--require PROGRAM]... [--expect-saved GLOB TEXT]... [--workers-match RE] [--arg ARG]... FORKCHECK SCENARIO TARGET_CMD 0|1|decided [PROPERTY...]" >&2
  exit 2
}

saved_globs=() saved_texts=() extra_args=()
while [[ $# -gt 0 && ( $1 == --require || $1 == --expect-saved || $1 == --workers-match || $1 == --arg ) ]]; do
  if [[ $1 == --workers-match ]]; then
    [[ $# -ge 2 ]] || usage
    extra_args+=(--workers-match "$2")
    shift 2
    continue
  fi
  if [[ $1 == --arg ]]; then
    [[ $# -ge 2 ]] || usage
    extra_args+=("$2")
    shift 2
    continue
  fi
  if [[ $1 == --expect-saved ]]; then
    [[ $# -ge 3 ]] || usage
    saved_globs+=("$2") saved_texts+=("$3")
    shift 3
    continue
  fi
  [[ $# -ge 2 ]] || usage
  if ! command -v "$2" >/dev/null 2>&1; then
    echo "SKIP: $2 is not installed (ci/peers installs it)"
    exit "$SKIP"
  fi
  shift 2
done
[[ $# -ge 4 ]] || usage
forkcheck=$1 scenario=$2 target=$3 expected=$4
shift 4
expected_failing=("$@")
case $expected in 0 | 1 | decided) ;; *) usage ;; esac
[[ -x $forkcheck ]] || { echo "FAIL: forkcheck not executable: $forkcheck" >&2; exit 1; }
[[ -r $scenario ]] || { echo "FAIL: scenario not readable: $scenario" >&2; exit 1; }

work=$(mktemp -d "${TMPDIR:-/tmp}/forkcheck-conformance.XXXXXX")
# Every process of this run inherits the marker through its environment, so the clean-up below finds
# exactly what this run started (and only that), even if forkcheck itself was killed.
export FORKCHECK_CONFORMANCE_RUN="$work"

kill_leftovers() {
  local round pid found
  for round in 1 2 3 4 5; do
    found=0
    for environ in /proc/[0-9]*/environ; do
      pid=${environ#/proc/}
      pid=${pid%/environ}
      [[ $pid == "$$" || $pid == "$BASHPID" ]] && continue
      if tr '\0' '\n' 2>/dev/null <"$environ" | grep -qxF "FORKCHECK_CONFORMANCE_RUN=$work"; then
        echo "clean-up: SIGKILL leftover pid $pid: $(tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null || true)" >&2
        kill -KILL "$pid" 2>/dev/null || true
        found=1
      fi
    done
    ((found)) || return 0
    sleep 0.1
  done
}
cleanup() {
  unset FORKCHECK_CONFORMANCE_RUN
  kill_leftovers
  if [[ ${FORKCHECK_KEEP_REPORTS:-0} == 1 ]]; then
    echo "report kept in $work/report"
  else
    rm -rf "$work"
  fi
}
trap cleanup EXIT

report=$work/report
cmd=("$forkcheck" run "$scenario" --port 0 --report "$report")
[[ $target == - ]] || cmd+=(--target "$target")
cmd+=("${extra_args[@]}")
echo "running: ${cmd[*]}"
status=0
timeout -k 5 "${FORKCHECK_CONFORMANCE_TIMEOUT_S:-60}" "${cmd[@]}" >"$work/stdout" 2>"$work/stderr" </dev/null ||
  status=$?
unset FORKCHECK_CONFORMANCE_RUN

show_output() {
  echo "--- forkcheck stdout (tail) ---"
  tail -n 40 "$work/stdout" || true
  echo "--- forkcheck stderr (tail) ---"
  tail -n 20 "$work/stderr" || true
}
fail() {
  echo "FAIL: $*"
  show_output
  exit 1
}

((status != 124 && status != 137)) || fail "forkcheck did not finish within ${FORKCHECK_CONFORMANCE_TIMEOUT_S:-60} s"
[[ -r $report/junit.xml ]] || fail "exit $status and no $report/junit.xml"

# One "name verdict" line per testcase: pass, fail (<failure>) or unknown (<error>). forkcheck's
# junit.xml escapes '<' in every text, so a raw '<failure'/'<error' is always an element.
verdicts=$(awk '
  function flush() { if (name != "") print name, verdict; name = "" }
  /<testcase / {
    flush()
    if (match($0, /name="[^"]*"/)) name = substr($0, RSTART + 6, RLENGTH - 7)
    verdict = "pass"
  }
  /<failure[ >]/ { verdict = "fail" }
  /<error[ >]/ { verdict = "unknown" }
  END { flush() }
' "$report/junit.xml")
[[ -n $verdicts ]] || fail "junit.xml has no testcase"
echo "--- verdicts (forkcheck exit $status) ---"
echo "$verdicts"

failing=$(awk '$2 == "fail" { print $1 }' <<<"$verdicts" | sort)
unknown=$(awk '$2 == "unknown" { print $1 }' <<<"$verdicts" | sort)
[[ -z $unknown ]] || fail "unknown verdict for: $(echo $unknown)"

case $expected in
  decided)
    ((status == 0 || status == 1)) || fail "expected a decided run (exit 0 or 1), got exit $status"
    ;;
  0)
    ((status == 0)) || fail "expected exit 0, got $status"
    [[ -z $failing ]] || fail "expected every property to hold; failing: $(echo $failing)"
    ;;
  1)
    ((status == 1)) || fail "expected exit 1, got $status"
    want=$(printf '%s\n' "${expected_failing[@]}" | sort)
    for p in "${expected_failing[@]}"; do
      grep -q "^$p " <<<"$verdicts" || fail "property $p is not in junit.xml"
    done
    [[ $failing == "$want" ]] || fail "expected failing: $(echo $want); got failing: $(echo $failing)"
    ;;
esac
for i in "${!saved_globs[@]}"; do
  found=""
  for file in "$report"/${saved_globs[$i]}; do
    if [[ -f $file ]] && grep -qF -- "${saved_texts[$i]}" "$file"; then
      found=$file
      break
    fi
  done
  [[ -n $found ]] || fail "no file $report/${saved_globs[$i]} contains '${saved_texts[$i]}'"
  echo "saved: $(basename "$found") contains '${saved_texts[$i]}'"
done
echo "PASS: forkcheck exit $status, failing: ${failing:-none}"
