#!/usr/bin/env bash
# uWSGI (master mode) as a forkcheck target: uwsgi-target.sh PORT WORKERS [http-socket|http-router]
# Runs a WSGI app of gunicorn_app.py in WORKERS uWSGI workers under the master (--master):
#   http-socket (default)  the workers speak HTTP on the port themselves (--http-socket): the
#                          master opens it before forking and the workers accept on it. The app
#                          is app_without_pid_header: no X-Worker-Pid, as a real app.
#   http-router            uWSGI's HTTP router (--http) listens on the port and forwards each request
#                          to the workers over uWSGI's own socket: the router is one more child of
#                          the master, a helper, not a worker. The kernel shows the router alone on
#                          the port (it holds the listening socket and every client connection; the
#                          workers hold only uWSGI's socket), so nothing outside tells which worker
#                          served or is ready: the app is `app`, which names it in X-Worker-Pid.
# --auto-procname: each process names itself in its command line (uWSGI master, uWSGI worker K,
# uWSGI http 1), so the workers behind the router can be told by name: workers_match '^uWSGI worker'
# (scenarios/conformance.yaml's uwsgi-router target; forkcheck run --workers-match).
# exec: the launched process becomes the master (the primary). --die-on-term: uWSGI 2.0 treats
# SIGTERM as a "brutal reload" (the master re-execs itself and stays up) unless told to exit on it.
set -euo pipefail
usage="usage: uwsgi-target.sh PORT WORKERS [http-socket|http-router]"
port=${1:?$usage}
workers=${2:?$usage}
mode=${3:-http-socket}
here=$(dirname "$(readlink -f "$0")")
case $mode in
  http-socket) listen=(--http-socket "127.0.0.1:$port") plugins=(python3) callable=app_without_pid_header ;;
  http-router) listen=(--http "127.0.0.1:$port") plugins=(python3 http) callable=app ;;
  *) echo "$usage" >&2; exit 2 ;;
esac
# Debian's uwsgi-core loads Python (uwsgi-plugin-python3) and the HTTP router as plugins; a build
# with them compiled in has no plugin file to load.
plugin=()
for p in "${plugins[@]}"; do
  [[ -e /usr/lib/uwsgi/plugins/${p}_plugin.so ]] && plugin+=(--plugin "$p")
done
exec uwsgi --strict "${plugin[@]}" --master --processes "$workers" "${listen[@]}" \
  --chdir "$here" --wsgi-file "$here/gunicorn_app.py" --callable "$callable" --need-app \
  --die-on-term --disable-logging --auto-procname
