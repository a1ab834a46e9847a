"""The servers the throughput benchmark compares, each started as it is deployed.

- the tutorial's Flask app under gunicorn sync workers, as the tutorial deployed it,
  with its model unpickled per call and cached;
- a bare hello-world on drugsite's own server (``drugsite.serve``): the ceiling;
- drugsite as ``make serve`` runs it (``drugsite.serve``, DEBUG off, INFO request
  lines, which are its access log, and prediction lines, written to a file), on
  SQLite and on PostgreSQL with Redis. Only the throttle rates are raised above
  the load.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from drugsite.tests.live import BASE, LiveStack, free_port

WORKERS = 2
#: What a production deployment runs, but for the throttle rates (raised above
#: the benchmark's load, so that no answer is a 429) and anonymous GET /drug.
PRODUCTION = {
    "LOG_LEVEL": "INFO",
    "ACCESS_LOG": "",  # as shipped: the request line is the access log
    "DRUGSITE_THROTTLE_ANON": "100000000/min",
    "DRUGSITE_THROTTLE_USER": "100000000/min",
}
REDIS_URL = "redis://127.0.0.1:6379/14"


@dataclass
class Server:
    """A started server: its URL and the process to stop."""

    url: str
    process: subprocess.Popen
    log: Path | None = None

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(60)


def wait_for(url: str) -> None:
    for _ in range(300):
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def tutorial(folder: Path, cache: bool, probe: str) -> Server:
    """The tutorial's app under gunicorn's sync workers, as it was deployed."""
    port = free_port()
    env = dict(
        os.environ,
        TUTORIAL_MODEL=str(folder / "tutorial.pkl"),
        TUTORIAL_CACHE_MODEL="1" if cache else "0",
    )
    command = [sys.executable, "-m", "gunicorn", "-w", str(WORKERS)]
    command += ["-b", f"127.0.0.1:{port}", "--chdir", str(BASE / "bench")]
    process = subprocess.Popen(
        [*command, "tutorial_app:app"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    server = Server(f"http://127.0.0.1:{port}", process)
    wait_for(server.url + probe)
    return server


def hello(folder: Path) -> Server:
    """A bare WSGI hello-world on drugsite's server, with drugsite's settings."""
    port = free_port()
    log = folder / "hello.log"
    env = dict(
        os.environ,
        PORT=str(port),
        BIND_HOST="127.0.0.1",
        WEB_CONCURRENCY=str(WORKERS),
        WSGI_APP="bench.hello_app:app",
        PROMETHEUS_MULTIPROC_DIR=str(folder / "hello-prom"),
    )
    with open(log, "w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "drugsite.serve"],
            cwd=BASE,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    wait_for(server.url + "/")
    return server


def drugsite(folder: Path, store: Path, database: str) -> LiveStack:
    """drugsite as production runs it, on `database` (PostgreSQL with Redis)."""
    extra = dict(PRODUCTION)
    if database == "postgres":
        extra["REDIS_URL"] = REDIS_URL
    workdir = folder / database
    workdir.mkdir()
    stack = LiveStack(
        workdir=workdir,
        store=store,
        database=database,
        workers=WORKERS,
        extra_env=extra,
    )
    return stack.start()
