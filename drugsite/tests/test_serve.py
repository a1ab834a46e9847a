"""drugsite.serve: the production server's command line, from the environment."""

import time
import urllib.request
from pathlib import Path

import pytest

from drugsite import serve


def option(args: list[str], name: str) -> str:
    return args[args.index(name) + 1]


def test_the_environment_sets_port_workers_threads_and_host():
    args = serve.command(
        {"PORT": "9123", "WEB_CONCURRENCY": "3", "WEB_THREADS": "5", "BIND_HOST": "::1"}
    )

    assert option(args, "--port") == "9123"
    assert option(args, "--workers") == "3"
    assert option(args, "--blocking-threads") == "5"
    assert option(args, "--host") == "::1"
    assert option(args, "--interface") == "wsgi"
    assert args[-1] == "drugsite.wsgi:application"


def test_defaults_one_worker_per_core_and_the_access_log_on(monkeypatch):
    monkeypatch.setattr(serve.os, "cpu_count", lambda: 6)

    args = serve.command({})

    assert option(args, "--port") == "8000"
    assert option(args, "--workers") == "6"
    assert "--access-log" in args


@pytest.mark.parametrize("value", ["0", ""])
def test_the_access_log_can_be_turned_off(value):
    assert "--access-log" not in serve.command({"ACCESS_LOG": value})


def test_the_metrics_folder_is_emptied_before_workers_start(tmp_path):
    folder = tmp_path / "prom"
    folder.mkdir()
    (folder / "counter_123.db").write_bytes(b"stale")

    assert serve.prometheus_folder({"PROMETHEUS_MULTIPROC_DIR": str(folder)}) == str(
        folder
    )
    assert list(folder.iterdir()) == []


@pytest.mark.system
def test_the_started_server_has_the_asked_workers_and_writes_access_lines(live_stack):
    stack = live_stack(workers=3, extra_env={"ACCESS_LOG": "1"})
    pid = stack.process.pid
    children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()

    with urllib.request.urlopen(stack.url + "/healthz", timeout=5) as response:
        assert response.status == 200

    assert len(children) == 3
    deadline = time.monotonic() + 10  # the line is written once the answer is sent
    while '"GET /healthz HTTP/1.1" 200' not in stack.log_text():
        assert time.monotonic() < deadline, stack.log_text()
        time.sleep(0.05)
