#!/usr/bin/env bash
# forkcheck's own memory over a long run: RSS at given minutes, peak RSS, report sizes.
#
#   bench/memory_soak.sh --forkcheck BUILD/harness/forkcheck [--minutes 10] [--rate 10000]
#                        [--out DIR]
#
# Runs bench/memory_soak.yaml (refcluster beside forkcheck, 2 workers, keep-alive load at --rate
# requests/s, a worker SIGKILLed every 30 s) for --minutes under /usr/bin/time -v, samples
# forkcheck's VmRSS every second from /proc, and prints the RSS at each whole minute, the peak
# (time's "Maximum resident set size"), the verdicts and the size of report.json and
# requests.tsv. The run is bounded: interrupted (SIGINT, by its pid) if it has not ended 10 minutes
# after its scheduled end (the checks and reports read the request log back after the load). The report directory is kept under --out (default: a temporary directory).
set -euo pipefail

forkcheck="" minutes=10 rate=10000 out=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --forkcheck) forkcheck="$2"; shift 2 ;;
    --minutes) minutes="$2"; shift 2 ;;
    --rate) rate="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "memory_soak.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -x "$forkcheck" ]] || { echo "memory_soak.sh: --forkcheck PATH to forkcheck is required" >&2; exit 2; }
[[ -x /usr/bin/time ]] || { echo "memory_soak.sh: /usr/bin/time is not installed" >&2; exit 2; }
here="$(cd "$(dirname "$0")" && pwd)"
[[ -n "$out" ]] || out="$(mktemp -d)"
mkdir -p "$out"

duration_s=$((minutes * 60))
kills=$((duration_s / 30))
scenario="$out/memory_soak.yaml"
sed -e "s/^duration_s: .*/duration_s: ${duration_s}.0/" -e "s/^  rate_rps: .*/  rate_rps: ${rate}/" \
    -e "s/^    count: .*/    count: ${kills}/" "$here/memory_soak.yaml" >"$scenario"

run_pid=""
stop_run() {
  if [[ -n "$run_pid" ]] && kill -0 "$run_pid" 2>/dev/null; then kill -INT "$run_pid" 2>/dev/null || true; fi
}
trap stop_run EXIT

/usr/bin/time -v -o "$out/time.txt" "$forkcheck" run --quiet --report "$out/report" "$scenario" >"$out/forkcheck.out" 2>&1 &
run_pid=$!
# /usr/bin/time's child is forkcheck: find it once it exists.
fc_pid=""
for _ in $(seq 50); do
  fc_pid="$(pgrep -P "$run_pid" -x forkcheck || true)"
  [[ -n "$fc_pid" ]] && break
  sleep 0.1
done
[[ -n "$fc_pid" ]] || { echo "memory_soak.sh: forkcheck did not start" >&2; exit 1; }

deadline_s=$((duration_s + 600))
: >"$out/rss.tsv"
for ((t = 1; t <= deadline_s; ++t)); do
  sleep 1
  rss_kb="$(awk '/^VmRSS:/ {print $2}' "/proc/$fc_pid/status" 2>/dev/null || true)"
  [[ -n "$rss_kb" ]] || break
  printf '%d\t%s\n' "$t" "$rss_kb" >>"$out/rss.tsv"
done
if kill -0 "$fc_pid" 2>/dev/null; then
  echo "memory_soak.sh: forkcheck still running ${deadline_s} s after its start: interrupting it" >&2
  kill -INT "$fc_pid" 2>/dev/null || true
fi
wait "$run_pid" || true
run_pid=""

echo "memory_soak: ${minutes} min at ${rate} req/s, report in $out/report"
for ((m = 1; m <= minutes; ++m)); do
  awk -v t=$((m * 60 + 5)) -v m="$m" '$1 == t {printf "RSS at %d min: %.1f MB\n", m, $2 / 1024}' "$out/rss.tsv"
done
awk '/Maximum resident set size/ {printf "peak RSS: %.1f MB\n", $6 / 1024}' "$out/time.txt"
awk -F': ' '/Elapsed \(wall clock\)/ {print "wall clock: " $2}' "$out/time.txt"
grep -E '^  (PASS|FAIL|UNKNOWN)' "$out/forkcheck.out" || tail -5 "$out/forkcheck.out"
ls -l "$out/report/report.json" "$out/report/requests.tsv" 2>/dev/null | awk '{printf "%s: %.1f MB\n", $9, $5 / 1048576}'
