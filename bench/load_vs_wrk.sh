#!/usr/bin/env bash
# Throughput of forkcheck's load generator against wrk's, on the same target in the same run.
#
#   bench/load_vs_wrk.sh --loadbench BUILD/bench/forkcheck_loadbench [--refcluster BUILD/reference/refcluster]
#                        [--connections 32] [--duration-s 5] [--threads 2]
#
# Starts the target with 2 workers on a free loopback port (refcluster when given, nginx otherwise),
# runs `wrk -t2 -cC -dDs` and then forkcheck_loadbench closed loop with C connections for D seconds,
# prints both, their CPU time and the ratio, and stops the target by its pid.
set -euo pipefail

loadbench="" refcluster="" connections=32 duration_s=5 threads=2
while [[ $# -gt 0 ]]; do
  case "$1" in
    --loadbench) loadbench="$2"; shift 2 ;;
    --refcluster) refcluster="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --duration-s) duration_s="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "load_vs_wrk.sh: unknown argument $1" >&2; exit 2 ;;
  esac
done
[[ -x "$loadbench" ]] || { echo "load_vs_wrk.sh: --loadbench PATH to forkcheck_loadbench is required" >&2; exit 2; }
command -v wrk >/dev/null || { echo "load_vs_wrk.sh: wrk is not installed" >&2; exit 2; }

workdir="$(mktemp -d)"
target_pid=""
stop_target() {
  if [[ -n "$target_pid" ]] && kill -0 "$target_pid" 2>/dev/null; then
    kill -TERM "$target_pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$target_pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$target_pid" 2>/dev/null || true
  fi
  rm -rf "$workdir"
}
trap stop_target EXIT

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

start_nginx() {
  mkdir -p "$workdir/nginx"
  cat >"$workdir/nginx/nginx.conf" <<EOF
daemon off;
worker_processes 2;
pid $workdir/nginx/nginx.pid;
error_log $workdir/nginx/error.log;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $workdir/nginx;
  proxy_temp_path $workdir/nginx;
  fastcgi_temp_path $workdir/nginx;
  uwsgi_temp_path $workdir/nginx;
  scgi_temp_path $workdir/nginx;
  server {
    listen 127.0.0.1:$port;
    location / { add_header X-Worker-Pid \$pid; return 200 "Hello from worker"; }
  }
}
EOF
  /usr/sbin/nginx -p "$workdir/nginx" -c "$workdir/nginx/nginx.conf" >"$workdir/target.log" 2>&1 &
  target_pid=$!
  target_name="nginx (2 workers)"
}

start_refcluster() {
  "$refcluster" --workers 2 --port "$port" >"$workdir/target.log" 2>&1 &
  target_pid=$!
  target_name="refcluster (2 workers)"
}

wait_for_port() {
  for _ in $(seq 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
    sleep 0.05
  done
  echo "load_vs_wrk.sh: the target did not listen on port $port; its output:" >&2
  cat "$workdir/target.log" >&2
  exit 2
}

# Runs a command under GNU time; its CPU seconds (user + sys) go to $workdir/cpu.
timed() { /usr/bin/time -f '%U %S' -o "$workdir/time" "$@"; awk '{print $1 + $2}' "$workdir/time" >"$workdir/cpu"; }

port="$(free_port)"
if [[ -n "$refcluster" ]]; then start_refcluster; else start_nginx; fi
wait_for_port

echo "== target: $target_name on 127.0.0.1:$port, $connections connections, ${duration_s}s each"
echo "== wrk -t$threads -c$connections -d${duration_s}s"
timed wrk -t"$threads" -c"$connections" -d"${duration_s}s" "http://127.0.0.1:$port/" | tee "$workdir/wrk.out"
wrk_cpu="$(cat "$workdir/cpu")"
echo "== forkcheck_loadbench --closed-loop --connections $connections --duration-s $duration_s --threads $threads"
timed "$loadbench" --port "$port" --connections "$connections" --duration-s "$duration_s" --threads "$threads" \
  --closed-loop | tee "$workdir/loadbench.out"
load_cpu="$(cat "$workdir/cpu")"

wrk_rps="$(awk '/^Requests\/sec:/ {print $2}' "$workdir/wrk.out")"
load_rps="$(sed -n 's/^RESULT req_per_s=\([0-9.]*\).*/\1/p' "$workdir/loadbench.out")"
awk -v w="$wrk_rps" -v l="$load_rps" -v wc="$wrk_cpu" -v lc="$load_cpu" -v d="$duration_s" 'BEGIN {
  printf "== summary\n"
  printf "wrk                  %10.1f req/s   cpu %5.2f s  (%4.1f us/request)\n", w, wc, 1e6 * wc / (w * d)
  printf "forkcheck_loadbench  %10.1f req/s   cpu %5.2f s  (%4.1f us/request)\n", l, lc, 1e6 * lc / (l * d)
  printf "ratio loadbench/wrk  %10.2f\n", l / w
}'
