"""Two drugsite.serve instances behind nginx, sharing PostgreSQL and Redis: nothing is
lost, throttling holds across both, and an activation reaches both."""

import json
import shutil
import subprocess
import time
import urllib.error
import urllib.request

import pytest
import redis

from drugsite.tests.live import free_port
from drugsite.tests.load import LEGACY, rows_by_request, run_load

REDIS = "redis://127.0.0.1:6379/5"
NGINX = """
worker_processes 1;
daemon off;
pid {tmp}/nginx.pid;
error_log {tmp}/error.log;
events {{ worker_connections 1024; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  upstream drugsite {{ server {a}; server {b}; keepalive 32; }}
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://drugsite;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
    }}
  }}
}}
"""


@pytest.fixture
def nginx(tmp_path):
    """Start nginx in front of the given upstream addresses; stop it afterwards."""
    processes = []

    def start(a: str, b: str) -> str:
        port = free_port()
        conf = tmp_path / "nginx.conf"
        conf.write_text(NGINX.format(tmp=tmp_path, a=a, b=b, port=port))
        processes.append(
            subprocess.Popen(["nginx", "-c", str(conf), "-p", str(tmp_path)])
        )
        url = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/healthz", timeout=2).close()
                return url
            except OSError:
                time.sleep(0.1)
        raise AssertionError((tmp_path / "error.log").read_text())

    yield start
    for process in processes:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture
def pair(live_stack):
    """Two app hosts on one PostgreSQL database and one Redis."""
    redis.Redis.from_url(REDIS).flushdb()
    env = {
        "REDIS_URL": REDIS,
        "DRUGSITE_THROTTLE_ANON": "30/min",
        "ML_MODEL_REFRESH_SECONDS": "2",
    }
    first = live_stack(workers=2, database="postgres", extra_env=env)
    second = live_stack(
        workers=2, database="postgres", extra_env=env, pg_name=first.pg_name
    )
    yield first, second
    redis.Redis.from_url(REDIS).flushdb()


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def predictions_counted(url: str) -> int:
    """The host's drugsite_predictions_total, summed over its labels."""
    with urllib.request.urlopen(url + "/metrics", timeout=10) as response:
        text = response.read().decode()
    return int(
        sum(
            float(line.rsplit(" ", 1)[1])
            for line in text.splitlines()
            if line.startswith("drugsite_predictions_total{")
        )
    )


def active_version(url: str) -> str:
    """The version one worker serves, from /readyz (not throttled, unlike the API)."""
    with urllib.request.urlopen(url + "/readyz", timeout=10) as response:
        return json.loads(response.read())["checks"]["model"].removeprefix("ok: ")


def test_load_through_nginx_reaches_both_hosts_and_loses_nothing(pair, nginx):
    first, second = pair
    front = nginx(first.url.removeprefix("http://"), second.url.removeprefix("http://"))
    token, password = first.user_with_token()
    outcome = run_load(
        [front],
        token,
        "loadtester",
        password,
        clients=16,
        requests=4_000,
        prefix="scale",
    )
    assert outcome.failures == []
    assert rows_by_request(first, "scale") == outcome.answered
    served_by = [
        stack
        for stack in pair
        if "drugsite.prediction" in stack.log_text()
        or stack.count("SELECT COUNT(*) FROM predictions_prediction") > 0
    ]
    assert len(served_by) == 2


def test_throttling_limits_hold_across_both_hosts(pair):
    first, second = pair
    codes = [status_of((first, second)[i % 2].url + LEGACY) for i in range(40)]
    assert codes.count(200) == 30
    assert codes.count(429) == 10


def test_an_activation_reaches_both_hosts_within_five_seconds(pair):
    first, second = pair
    first.manage("train_model", "--seed", "1")
    new = first.rows("SELECT version FROM ml_modelversion WHERE is_active = false")[0][
        0
    ]
    shutil.copytree(
        first.workdir / "artifacts" / new, second.workdir / "artifacts" / new
    )
    assert {active_version(first.url), active_version(second.url)} != {new}

    first.manage("activate_model", new, "--reason", "scale-out test")
    started, agreeing = time.monotonic(), 0
    # Every worker of both hosts must have switched: 20 answers in a row agree.
    while agreeing < 20 and time.monotonic() - started < 10:
        answers = [active_version(stack.url) for stack in (first, second)]
        agreeing = agreeing + 2 if answers == [new, new] else 0
        time.sleep(0.05 if agreeing else 0.1)
    assert agreeing >= 20
    assert time.monotonic() - started <= 5.0


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system
