#!/usr/bin/env bash
# Puma (cluster mode) as a forkcheck target: puma-target.sh PORT WORKERS
# exec: the launched process becomes Puma's cluster master (the primary); its WORKERS worker
# processes (-w) are its children, each serving puma_app.ru on the shared listening socket.
# --no-config: no config/puma.rb of the current directory is read; threads, keep-alive and every
# timeout are Puma's defaults.
set -euo pipefail
port=${1:?usage: puma-target.sh PORT WORKERS}
workers=${2:?usage: puma-target.sh PORT WORKERS}
here=$(dirname "$(readlink -f "$0")")
exec puma --no-config --workers "$workers" --bind "tcp://127.0.0.1:$port" "$here/puma_app.ru"
