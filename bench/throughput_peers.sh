#!/usr/bin/env bash
# `wrk -t2 -c32 -d10s` against refcluster, the Node cluster and nginx, each with N workers on a free
# loopback port, one after the other in one session (ratios, not absolute figures, are the point),
# the three back to back --repeat times so each round sees the same machine load (printed).
#   bench/throughput_peers.sh [--refcluster PATH] [--workers N] [--seconds S] [--repeat R]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
refcluster=$root/build/release/reference/refcluster
workers=2
seconds=10
repeat=3
while (($#)); do
  case $1 in
    --refcluster) refcluster=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --repeat) repeat=$2; shift 2 ;;
    *) echo "throughput_peers.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "throughput_peers.sh: wrk is not installed (ci/bootstrap)" >&2; exit 2; }
cd "$root"

# shellcheck source=bench/targets.sh
source "$root/bench/targets.sh"

measure() {  # name, command template
  local name=$1 rps
  start_target "$2"
  rps=$(wrk -t2 -c32 -d"${seconds}s" "http://127.0.0.1:$port/" | awk '/Requests\/sec/ {print $2}')
  stop_target
  printf '| %s | %s |\n' "$name" "${rps:-failed}"
}

for round in $(seq 1 "$repeat"); do
  echo
  echo "round $round, load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "| target (N = $workers, wrk -t2 -c32 -d${seconds}s) | requests/s |"
  echo "|---|---:|"
  measure refcluster "$refcluster --port {port} --workers {workers}"
  command -v node >/dev/null && measure "node cluster" "node scenarios/targets/node-cluster.mjs {port} {workers}"
  command -v nginx >/dev/null && measure nginx "scenarios/targets/nginx-target.sh {port} {workers}"
done
exit 0
