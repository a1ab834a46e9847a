"""Hostile conditions against the live server: hostile bodies over real HTTP, a
Redis that is stopped or frozen, an outside client relayed by a local proxy.
Never a 5xx, never HTML to an API client, and every rejection has its row."""

import http.client
import json
import statistics
import subprocess
import time
import urllib.error
import urllib.request

import pytest

from drugsite.tests.live import free_port
from drugsite.tests.load import LEGACY, PATIENT

API = "/api/v1/predictions/"
LIMIT = 1024 * 1000  # DATA_UPLOAD_MAX_MEMORY_SIZE for batches of 1,000
REDIS_TIMEOUT = 0.25
ONE = json.dumps(PATIENT)
HOSTILE = {
    "deep": ("[" * 5000 + "]" * 5000, 400),
    "surrogate": (ONE.replace('"F"', '"\\ud800"'), 400),
    "infinite": (ONE.replace("14}", "1e999}"), 400),
    "oversize": (json.dumps([PATIENT] * 1000).ljust(LIMIT + 1), 413),
    "huge": ("[" + " " * (20 * 2**20) + "]", 413),
}


def call(url: str, method: str = "GET", body: bytes | None = None, **headers):
    """(status, headers, body) of one request; HTTP errors are answers too."""
    request = urllib.request.Request(url, body, headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def post(url: str, body: bytes) -> tuple[int, str, dict]:
    status, headers, text = call(
        url + API, "POST", body, **{"Content-Type": "application/json"}
    )
    assert headers["Content-Type"] == "application/json", text[:200]
    return status, headers["X-Request-Id"], json.loads(text)


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_hostile_bodies_over_http_are_json_errors_each_with_its_row(
    live_stack, database
):
    stack = live_stack(workers=2, database=database)
    answers = {
        name: post(stack.url, body.encode()) for name, (body, _) in HOSTILE.items()
    }
    curl = subprocess.run(
        [
            *("curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{content_type}"),
            *("-H", "Content-Type: application/json", "--data-binary", "@-"),
            stack.url + API,
        ],
        input=HOSTILE["deep"][0].encode(),
        capture_output=True,
        check=True,
    )

    assert curl.stdout.decode() == "400 application/json"
    for name, (status, request_id, body) in answers.items():
        assert status == HOSTILE[name][1], (name, body)
        assert body["detail"], name
        ((outcome, errors),) = stack.rows(
            "SELECT outcome, errors FROM predictions_prediction "
            f"WHERE request_id = '{request_id}'"
        )
        errors = json.loads(errors) if isinstance(errors, str) else errors
        assert outcome == "rejected", name
        assert errors["message"] == body["detail"], name
    assert stack.count("SELECT COUNT(*) FROM predictions_prediction") == 6
    assert post(stack.url, ONE.encode())[0] == 201  # and the service goes on
    assert "Traceback" not in stack.log_text()


def timed_predictions(url: str, count: int) -> list[float]:
    """Seconds taken by each of `count` API predictions, all answered 201."""
    taken = []
    for _ in range(count):
        started = time.perf_counter()
        status, _, _ = post(url, ONE.encode())
        taken.append(time.perf_counter() - started)
        assert status == 201
    return taken


def degraded_total(url: str) -> float:
    text = call(url + "/metrics")[2].decode()
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in text.splitlines()
        if line.startswith("drugsite_throttle_degraded_total{")
    )


def test_a_stopped_or_frozen_redis_costs_milliseconds_and_loses_nothing(
    live_stack, redis_server
):
    env = {
        "REDIS_URL": redis_server.url,
        "DRUGSITE_THROTTLE_ANON": "100000/min",  # on, and every call counted in
        "DRUGSITE_THROTTLE_BLOCK": "1",  # Redis, not a block of calls at a time
        "REDIS_TIMEOUT_SECONDS": str(REDIS_TIMEOUT),
    }
    stack = live_stack(workers=2, database="postgres", extra_env=env)
    up = timed_predictions(stack.url, 60)

    redis_server.stop()
    refused = timed_predictions(stack.url, 60)
    status, _, ready = call(stack.url + "/readyz")
    assert status == 200
    assert json.loads(ready)["checks"]["cache"] == "degraded: unreachable"

    redis_server.start()
    redis_server.freeze()  # accepts connections, answers nothing
    time.sleep(5.5)  # past the retry interval: the workers try Redis again
    frozen = timed_predictions(stack.url, 60)
    redis_server.thaw()

    median = {k: statistics.median(v) for k, v in [("up", up), ("refused", refused)]}
    print(  # the measured cost, for the record
        f"\nper request: Redis up {median['up'] * 1000:.1f} ms, "
        f"stopped {median['refused'] * 1000:.1f} ms, frozen median "
        f"{statistics.median(frozen) * 1000:.1f} ms max {max(frozen) * 1000:.0f} ms"
    )
    assert median["refused"] < median["up"] + 0.005
    assert statistics.median(frozen) < median["up"] + 0.005
    assert max(frozen) < 2 * REDIS_TIMEOUT + 0.25  # one timeout, not one a call
    assert sum(t > REDIS_TIMEOUT for t in frozen) <= 2  # once per worker
    assert degraded_total(stack.url) >= 120
    answered = "SELECT COUNT(*) FROM predictions_prediction WHERE outcome = 'answered'"
    assert stack.count(answered) == 180
    assert stack.log_text().count("throttling degraded") <= 4  # not one a request


def test_a_stack_starts_ready_with_redis_pointed_at_a_closed_port(live_stack):
    # Before: every API call was a 500 and /readyz failed on every host.
    env = {"REDIS_URL": "redis://127.0.0.1:1/0", "DRUGSITE_THROTTLE_ANON": "5/min"}
    stack = live_stack(workers=1, extra_env=env)  # waits for /readyz 200
    assert [post(stack.url, ONE.encode())[0] for _ in range(8)] == [201] * 8
    assert call(stack.url + LEGACY)[0] == 200
    assert degraded_total(stack.url) >= 9


NGINX = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://{upstream};
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
    }}
  }}
}}
"""


@pytest.fixture
def nginx_in_front(tmp_path):
    """Start nginx on this host in front of an upstream; stop it afterwards."""
    processes = []

    def start(upstream: str) -> int:
        port = free_port()
        conf = tmp_path / "nginx.conf"
        conf.write_text(NGINX.format(tmp=tmp_path, port=port, upstream=upstream))
        processes.append(
            subprocess.Popen(["nginx", "-c", str(conf), "-p", str(tmp_path)])
        )
        for _ in range(100):
            if status_from("127.0.0.1", port, "/healthz") == 200:
                return port
            time.sleep(0.1)
        raise AssertionError((tmp_path / "error.log").read_text())

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


def status_from(source: str, port: int, path: str, **headers) -> int:
    """GET from a given local address (127.0.0.2 plays an outside client)."""
    conn = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=10, source_address=(source, 0)
    )
    try:
        conn.request("GET", path, headers=headers)
        return conn.getresponse().status
    except OSError:
        return 0
    finally:
        conn.close()


def test_behind_a_local_proxy_metrics_and_limits_follow_the_real_client(
    live_stack, nginx_in_front
):
    env = {"DRUGSITE_NUM_PROXIES": "1", "DRUGSITE_THROTTLE_ANON": "3/min"}
    stack = live_stack(workers=1, extra_env=env)
    port = nginx_in_front(stack.url.removeprefix("http://"))

    assert status_from("127.0.0.1", port, "/metrics") == 200  # a local scraper
    assert status_from("127.0.0.2", port, "/metrics") == 403  # relayed from outside
    forged = {"X-Forwarded-For": "127.0.0.1"}
    assert status_from("127.0.0.2", port, "/metrics", **forged) == 403
    # An outside client's limit is its own, whatever it writes in the header.
    codes = [
        status_from("127.0.0.3", port, LEGACY, **{"X-Forwarded-For": f"10.0.0.{i}"})
        for i in range(4)
    ]
    assert codes == [200, 200, 200, 429]
    assert status_from("127.0.0.4", port, LEGACY) == 200  # another client


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system
