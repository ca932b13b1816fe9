#!/usr/bin/env bash
# How evenly refcluster's workers share connections, per accept mode (--accept thread | epoll |
# epoll-exclusive), N workers on a free loopback port:
#  - walkthrough: 8 keep-alive connections opened one after the other, one GET each (row 7 of the
#    walkthrough), repeated --rounds times: answers per worker;
#  - wrk -t2 -c32 for --seconds: answers per worker (bench/worker_share.lua).
#   bench/accept_balance.sh [--refcluster PATH] [--workers N] [--seconds S] [--rounds R]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
refcluster=$root/build/release/reference/refcluster
workers=2 seconds=5 rounds=10
while (($#)); do
  case $1 in
    --refcluster) refcluster=$2; shift 2 ;;
    --workers) workers=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --rounds) rounds=$2; shift 2 ;;
    *) echo "accept_balance.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
command -v wrk >/dev/null || { echo "accept_balance.sh: wrk is not installed (ci/bootstrap)" >&2; exit 2; }

walkthrough_shares() {  # port rounds: 8 keep-alive connections per round, one GET each
  python3 - "$1" "$2" <<'PY'
import collections, socket, sys
port, rounds = int(sys.argv[1]), int(sys.argv[2])
counts = collections.Counter()
for _ in range(rounds):
    conns = []
    for _ in range(8):
        s = socket.create_connection(("127.0.0.1", port), timeout=3)
        s.sendall(b"GET / HTTP/1.1\r\nHost: t\r\n\r\n")
        data = b""
        while b"Hello from worker" not in data:
            chunk = s.recv(4096)
            if not chunk: break
            data += chunk
        pid = data.split(b"X-Worker-Pid: ")[1].split(b"\r\n")[0].decode()
        counts[pid] += 1
        conns.append(s)
    for s in conns: s.close()
total = sum(counts.values())
print("  walkthrough (8 keep-alive x %d): " % rounds + ", ".join(
    "%s %d (%.0f%%)" % (p, n, 100.0 * n / total) for p, n in sorted(counts.items())))
PY
}

pid=
trap '[[ -n $pid ]] && kill -TERM "$pid" 2>/dev/null; rm -f /tmp/accept_balance.$$' EXIT  # also when cut short
for mode in thread epoll epoll-exclusive; do
  "$refcluster" --port 0 --workers "$workers" --accept "$mode" >/tmp/accept_balance.$$ 2>&1 &
  pid=$!
  port=
  for _ in $(seq 1 100); do
    port=$(grep -o '127.0.0.1:[0-9]*' /tmp/accept_balance.$$ | cut -d: -f2 || true)
    [[ -n $port ]] && curl -s -o /dev/null "http://127.0.0.1:$port/" && break
    sleep 0.05
  done
  echo "== --accept $mode (N = $workers)"
  walkthrough_shares "$port" "$rounds"
  wrk -t2 -c32 -d"${seconds}s" -s "$root/bench/worker_share.lua" "http://127.0.0.1:$port/" |
    awk '/Requests\/sec/ {print "  wrk -t2 -c32: " $2 " req/s"} /^share/ {print "  wrk share: pid " $3 " " $4 " (" $5 ")"}'
  kill -TERM "$pid"; wait "$pid" || true
  pid=
done
