"""WSGI apps for gunicorn and uWSGI as forkcheck targets: GET / answers 'Hello from worker'.
`app` (gunicorn-target.sh) also names the worker process in X-Worker-Pid; `app_without_pid_header`
(uwsgi-target.sh) answers as a real app does, without it, so forkcheck tells the serving worker from
the kernel. Run them with gunicorn-target.sh PORT WORKERS (sync workers) or
uwsgi-target.sh PORT WORKERS [http-socket|http-router]."""
import os

BODY = b"Hello from worker"


def _respond(start_response, environ, extra_headers):
    if environ.get("PATH_INFO", "/") != "/":
        start_response("404 Not Found", [("Content-Type", "text/plain"), ("Content-Length", "0")])
        return [b""]
    start_response("200 OK", [
        ("Content-Type", "text/plain"),
        ("Content-Length", str(len(BODY))),
    ] + extra_headers)
    return [BODY]


def app(environ, start_response):
    return _respond(start_response, environ, [("X-Worker-Pid", str(os.getpid()))])


def app_without_pid_header(environ, start_response):
    return _respond(start_response, environ, [])
