#!/usr/bin/env bash
# gunicorn as a forkcheck target: gunicorn-target.sh PORT WORKERS
# exec: the launched process becomes gunicorn's arbiter (the primary); its sync workers are its children.
set -euo pipefail
port=${1:?usage: gunicorn-target.sh PORT WORKERS}
workers=${2:?usage: gunicorn-target.sh PORT WORKERS}
exec gunicorn --chdir "$(dirname "$(readlink -f "$0")")" --bind "127.0.0.1:$port" --workers "$workers" \
  --worker-class sync --log-level info gunicorn_app:app
