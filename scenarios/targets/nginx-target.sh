#!/usr/bin/env bash
# nginx as a forkcheck target: nginx-target.sh PORT WORKERS
# Writes a config from nginx.conf.template into a private temporary directory, then execs nginx in
# the foreground: the launched process IS the master (forkcheck's primary); workers are its children.
# The directory outlives nginx (exec leaves nobody to remove it): each launch removes the
# directories of earlier runs whose master is gone.
set -euo pipefail
port=${1:?usage: nginx-target.sh PORT WORKERS}
workers=${2:?usage: nginx-target.sh PORT WORKERS}
here=$(dirname "$(readlink -f "$0")")
tmp=${TMPDIR:-/tmp}

for old in "$tmp"/forkcheck-nginx.*; do
  [[ -d $old ]] || continue
  pid=$(cat "$old/nginx.pid" 2>/dev/null || true)
  if [[ -z $pid || ! -e /proc/$pid ]] && [[ -n $(find "$old" -maxdepth 0 -mmin +1) ]]; then
    rm -rf "$old"
  fi
done

dir=$(mktemp -d "$tmp/forkcheck-nginx.XXXXXX")
chmod 755 "$dir"  # workers run as nobody when the master is root
sed -e "s|@PORT@|$port|g" -e "s|@WORKERS@|$workers|g" -e "s|@DIR@|$dir|g" \
  "$here/nginx.conf.template" >"$dir/nginx.conf"
exec nginx -p "$dir" -e stderr -c "$dir/nginx.conf"
