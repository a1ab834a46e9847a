"""Serve drugsite in production: ``python -m drugsite.serve``.

granian (HTTP parsed in Rust, keep-alive) runs drugsite's WSGI application in
``WEB_CONCURRENCY`` worker processes, each with ``WEB_THREADS`` threads, so that
the requests one process holds at once share their log commit
(predictions.groupcommit). Every setting comes from the environment:

- ``PORT`` (8000) and ``BIND_HOST`` (0.0.0.0);
- ``WEB_CONCURRENCY`` (one worker per core) and ``WEB_THREADS`` (8);
- ``WEB_PIN_CPUS`` (``auto``): each worker bound to a core of its own when the
  workers have the whole machine (drugsite.cpus);
- ``ACCESS_LOG`` (off): ``1`` adds granian's own plain access line per request.
  Without it the access log is drugsite's JSON request line (``drugsite.request``:
  client address, method, path, HTTP version, status, time, request id, user),
  written for every request the application answers: one line, not two;
- ``WEB_KILL_TIMEOUT`` (30 s): how long a stopping worker may finish its requests;
- ``WSGI_APP`` (``drugsite.wsgi:application``): what is served (the benchmark's
  hello-world ceiling runs on this same command).

Prometheus counters of every worker are summed at /metrics: their files go to
``PROMETHEUS_MULTIPROC_DIR`` (a fresh temporary folder unless set), emptied here
before any worker starts.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile

from drugsite import cpus

ACCESS_FORMAT = '%(addr)s "%(method)s %(path)s %(protocol)s" %(status)d %(dt_ms).2fms'


def command(env: dict) -> list[str]:
    """granian's command line for this environment."""
    args = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        env.get("BIND_HOST", "0.0.0.0"),
        "--port",
        env.get("PORT", "8000"),
        "--workers",
        str(workers(env)),
        "--blocking-threads",
        env.get("WEB_THREADS", "8"),
        "--workers-kill-timeout",
        env.get("WEB_KILL_TIMEOUT", "30"),
        "--respawn-failed-workers",
        "--log-level",
        env.get("SERVER_LOG_LEVEL", "info"),
    ]
    if env.get("ACCESS_LOG", "0") not in ("", "0"):
        args += ["--access-log", "--access-log-fmt", ACCESS_FORMAT]
    return [*args, env.get("WSGI_APP", "drugsite.wsgi:application")]


def workers(env: dict) -> int:
    """WEB_CONCURRENCY, else one worker per core."""
    return int(env.get("WEB_CONCURRENCY") or os.cpu_count() or 1)


def cpu_slots_folder(env: dict, within: str) -> str | None:
    """A folder of slots in `within` (the run's own, emptied at each start) if each
    worker is to be bound to a CPU (drugsite.cpus); None if not."""
    if not cpus.wanted(env, workers(env)):
        return None
    folder = os.path.join(within, "cpu-slots")
    os.makedirs(folder, exist_ok=True)
    return folder


def prometheus_folder(env: dict) -> str:
    """An empty folder for the workers' metric files."""
    folder = env.get("PROMETHEUS_MULTIPROC_DIR") or tempfile.mkdtemp(
        prefix="drugsite-prom-"
    )
    shutil.rmtree(folder, ignore_errors=True)
    os.makedirs(folder, exist_ok=True)
    return folder


def main() -> None:
    env = dict(os.environ)
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = prometheus = prometheus_folder(env)
    slots = cpu_slots_folder(env, prometheus)  # beside the metric files
    if slots:
        os.environ[cpus.SLOTS_DIR] = slots
    else:
        os.environ.pop(cpus.SLOTS_DIR, None)
    # glibc gives each thread its own malloc arena by default: with several
    # threads per worker that multiplies a worker's resident memory.
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    args = command(env)
    os.execv(args[0], args)  # granian takes this process: signals go straight to it


if __name__ == "__main__":
    main()
