#!/usr/bin/env bash
# Fresh-GET latency while slow clients hold unfinished request heads, for refcluster, the Node
# cluster and nginx (N workers each, a free loopback port): --slow connections each send part of a
# head and nothing more, then --fresh GETs on fresh connections, one after the other, are timed
# (connect to the end of the answer; 2 s timeout each).
#   bench/slow_clients.sh [--refcluster PATH] [--workers N] [--slow 2000] [--fresh 200]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
refcluster=$root/build/release/reference/refcluster
workers=2 slow=2000 fresh=200
while (($#)); do
  case $1 in
    --refcluster) refcluster=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --slow) slow=$2; shift 2 ;;
    --fresh) fresh=$2; shift 2 ;;
    *) echo "slow_clients.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
ulimit -n "$(ulimit -Hn)"  # for the clients and the servers started below
cd "$root"

# shellcheck source=bench/targets.sh
source "$root/bench/targets.sh"

probe() {  # port: open the slow connections, then time the fresh GETs
  python3 - "$1" "$slow" "$fresh" <<'PY'
import socket, sys, time
port, slow, fresh = (int(a) for a in sys.argv[1:4])
held = []
for i in range(slow):
    s = socket.create_connection(("127.0.0.1", port), timeout=3)
    s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nX-Slow: ")
    held.append(s)
lat, failed = [], 0
for i in range(fresh):
    t0 = time.perf_counter()
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n")
        data = b""
        while b"Hello from worker" not in data:
            chunk = s.recv(4096)
            if not chunk: break
            data += chunk
        s.close()
        if b"Hello from worker" in data: lat.append((time.perf_counter() - t0) * 1000)
        else: failed += 1
    except OSError:
        failed += 1
lat.sort()
pct = lambda q: lat[min(len(lat) - 1, int(q * len(lat)))] if lat else float("nan")
print("%d/%d answered, p50 %.2f ms, p99 %.2f ms, max %.2f ms" % (len(lat), fresh, pct(0.5), pct(0.99), lat[-1] if lat else float("nan")))
PY
}

measure() {  # name, command template
  start_target "$2"
  printf '| %s | %s |\n' "$1" "$(probe "$port" || echo failed)"
  stop_target
}

echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| target (N = $workers, $slow slow heads open) | fresh GETs |"
echo "|---|---|"
measure refcluster "$refcluster --port {port} --workers {workers}"
command -v node >/dev/null && measure "node cluster" "node scenarios/targets/node-cluster.mjs {port} {workers}"
command -v nginx >/dev/null && measure nginx "scenarios/targets/nginx-target.sh {port} {workers}"
exit 0
