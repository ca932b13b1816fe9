#!/usr/bin/env bash
# Apache httpd (mpm_prefork) as a forkcheck target: apache-prefork-target.sh PORT WORKERS
# Writes a config from apache-prefork.conf.template and the static page `Hello from worker` into a
# private temporary directory (ServerRoot), then execs httpd in the foreground (-DFOREGROUND): the
# launched process IS the parent (forkcheck's primary); its WORKERS prefork children are its
# children. The directory outlives httpd (exec leaves nobody to remove it): each launch removes the
# directories of earlier runs whose parent is gone.
set -euo pipefail
port=${1:?usage: apache-prefork-target.sh PORT WORKERS}
workers=${2:?usage: apache-prefork-target.sh PORT WORKERS}
here=$(dirname "$(readlink -f "$0")")
tmp=${TMPDIR:-/tmp}
# Debian's httpd (package apache2-bin): /usr/sbin/apache2, not on every user's PATH, and the modules
# the template loads from /usr/lib/apache2/modules.
httpd=/usr/sbin/apache2
[[ -x $httpd ]] || { echo "apache-prefork-target.sh: $httpd not found (Debian package apache2-bin)" >&2; exit 127; }

for old in "$tmp"/forkcheck-apache.*; do
  [[ -d $old ]] || continue
  pid=$(cat "$old/httpd.pid" 2>/dev/null || true)
  if [[ -z $pid || ! -e /proc/$pid ]] && [[ -n $(find "$old" -maxdepth 0 -mmin +1) ]]; then
    rm -rf "$old"
  fi
done

# Started as root, httpd switches its children to an unprivileged user (docs: mod_unixd); as anyone
# else User/Group are ignored and the children keep the caller's identity.
user=nobody group=nogroup
if ((EUID != 0)); then
  user=$(id -un) group=$(id -gn)
fi
dir=$(mktemp -d "$tmp/forkcheck-apache.XXXXXX")
chmod 755 "$dir"
mkdir -m 755 "$dir/htdocs" "$dir/run"
printf 'Hello from worker' >"$dir/htdocs/index.txt"
chmod 644 "$dir/htdocs/index.txt"
sed -e "s|@PORT@|$port|g" -e "s|@WORKERS@|$workers|g" -e "s|@DIR@|$dir|g" \
  -e "s|@USER@|$user|g" -e "s|@GROUP@|$group|g" \
  "$here/apache-prefork.conf.template" >"$dir/httpd.conf"
exec "$httpd" -d "$dir" -f "$dir/httpd.conf" -DFOREGROUND
