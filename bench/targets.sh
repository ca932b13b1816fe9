# Sourced by the peer benchmarks: start a target from a command template ({port}, {workers}) on a
# free loopback port in its own session, wait until it answers, stop it by its group.
#   start_target TEMPLATE   -> sets $port and $target_pid
#   stop_target
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_target() {
  port=$(free_port)
  local cmd=${1//\{port\}/$port}
  cmd=${cmd//\{workers\}/$workers}
  setsid bash -c "exec $cmd" >/dev/null 2>&1 &
  target_pid=$!
  for _ in $(seq 1 200); do
    if curl -s -o /dev/null "http://127.0.0.1:$port/"; then break; fi
    sleep 0.05
  done
}

stop_target() {
  kill -TERM -- "-$target_pid" 2>/dev/null || true   # the group started with setsid, by its leader's pid
  wait "$target_pid" 2>/dev/null || true
}
