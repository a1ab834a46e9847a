"""The ceiling: a bare WSGI hello-world, served by drugsite's own server, each
worker bound to a CPU as drugsite's are (drugsite.cpus)."""

from drugsite.cpus import pin_worker

pin_worker()


def app(environ, start_response):
    body = b'{"hello":"world"}'
    start_response(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", str(len(body)))],
    )
    return [body]
