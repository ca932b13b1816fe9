"""A WSGI app for gunicorn and uWSGI as forkcheck targets: GET / answers 'Hello from worker' and names the
worker process in X-Worker-Pid. Run it with gunicorn-target.sh PORT WORKERS (sync workers) or
uwsgi-target.sh PORT WORKERS [http-socket|http-router]."""
import os

BODY = b"Hello from worker"


def app(environ, start_response):
    if environ.get("PATH_INFO", "/") != "/":
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "0")])
        return [b""]
    start_response("200 OK", [
        ("Content-Type", "text/plain"),
        ("Content-Length", str(len(BODY))),
        ("X-Worker-Pid", str(os.getpid())),
    ])
    return [BODY]
