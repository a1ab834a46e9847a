"""drugsite.serve: the production server's command line, from the environment."""

import json
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


def test_defaults_one_worker_per_core_and_no_second_access_line(monkeypatch):
    monkeypatch.setattr(serve.os, "cpu_count", lambda: 6)

    args = serve.command({})

    assert option(args, "--port") == "8000"
    assert option(args, "--workers") == "6"
    assert "--access-log" not in args  # the request line is the access log


@pytest.mark.parametrize("value", ["0", ""])
def test_granian_access_line_stays_off(value):
    assert "--access-log" not in serve.command({"ACCESS_LOG": value})


def test_granian_access_line_can_be_added():
    args = serve.command({"ACCESS_LOG": "1"})

    assert option(args, "--access-log-fmt") == serve.ACCESS_FORMAT


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


@pytest.mark.system
def test_by_default_each_request_has_one_line_the_json_request_line(live_stack):
    stack = live_stack(workers=1, extra_env={"LOG_LEVEL": "INFO", "ACCESS_LOG": ""})
    query = "/drug?Age=60&Sex=F&BP=LOW&Cholesterol=HIGH&Na_to_K=20"
    for path in ("/healthz", query):  # a Django view, and the lane
        with urllib.request.urlopen(stack.url + path, timeout=5) as response:
            assert response.status == 200

    deadline = time.monotonic() + 10
    while True:
        lines = [json.loads(x) for x in stack.log_text().splitlines() if x[:1] == "{"]
        requests = [
            x
            for x in lines
            if x["name"] == "drugsite.request" and x["path"] != "/readyz"  # start
        ]
        if len(requests) == 2 or time.monotonic() > deadline:
            break
        time.sleep(0.05)
    assert [(x["method"], x["path"], x["status"]) for x in requests] == [
        ("GET", "/healthz", 200),
        ("GET", "/drug", 200),
    ]
    for line in requests:
        assert (line["addr"], line["protocol"]) == ("127.0.0.1", "HTTP/1.1")
        assert line["latency_ms"] > 0
        assert len(line["request_id"]) == 32
    assert 'HTTP/1.1" 200' not in stack.log_text()  # no granian access line
