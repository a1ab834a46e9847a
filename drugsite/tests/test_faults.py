"""Faults while serving: a damaged artifact, a database that goes away, SIGTERM
during load. The server answers 503 with a clear JSON error, never crashes, never
returns a prediction without its log row, and recovers once repaired."""

import json
import shutil
import signal
import threading
import time
import urllib.error
import urllib.request
import uuid

import psycopg
import pytest

from drugsite.tests.live import PG_ADMIN
from drugsite.tests.load import LEGACY, PATIENT

FAST_REFRESH = {"ML_MODEL_REFRESH_SECONDS": "0.2"}


def get(url: str, request_id: str | None = None) -> tuple[int, dict]:
    headers = {"X-Request-Id": request_id} if request_id else {}
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def eventually(check, seconds: float = 5.0):
    deadline = time.monotonic() + seconds
    while True:
        result = check()
        if result or time.monotonic() > deadline:
            return result
        time.sleep(0.1)


def damage(path, how: str) -> None:
    if how == "deleted":
        path.unlink()
    elif how == "truncated":
        path.write_bytes(path.read_bytes()[:100])
    else:
        path.write_bytes(path.read_bytes().replace(b"drugA", b"drugZ", 1) + b"\0")


@pytest.mark.parametrize("how", ["deleted", "truncated", "tampered"])
def test_a_damaged_artifact_gives_503_and_recovery_once_repaired(live_stack, how):
    stack = live_stack(workers=2, extra_env=FAST_REFRESH)
    version = (stack.store / "VERSION").read_text()
    artifact = stack.workdir / "artifacts" / version / "model.joblib"
    good = artifact.read_bytes()
    assert get(stack.url + LEGACY)[0] == 200

    damage(artifact, how)  # every worker notices within its refresh interval
    assert eventually(lambda: {get(stack.url + LEGACY)[0] for _ in range(8)} == {503})
    status, body = get(stack.url + LEGACY)
    assert status == 503
    assert "recommended_drug" not in body
    assert str(artifact) not in body["detail"]  # operators read paths in the log
    assert "model" in body["detail"].lower()
    status, ready = get(stack.url + "/readyz")
    assert status == 503
    assert ready["checks"]["model"].startswith("failing")
    assert stack.process.poll() is None  # no crash

    artifact.write_bytes(good)
    assert eventually(lambda: {get(stack.url + LEGACY)[0] for _ in range(8)} == {200})
    assert get(stack.url + "/readyz")[0] == 200


def test_no_answer_without_its_row_while_the_database_goes_away(live_stack):
    stack = live_stack(workers=2, database="postgres")
    answered, statuses = [], []

    def hammer(stop: threading.Event) -> None:
        while not stop.is_set():
            request_id = uuid.uuid4().hex
            try:
                status, body = get(stack.url + LEGACY, request_id)
            except Exception as exc:  # a non-JSON body or a dropped connection
                statuses.append(type(exc).__name__)
                continue
            statuses.append(status)
            if status == 200:
                answered.append(request_id)
            elif "recommended_drug" in body:
                statuses.append("an answer with an error status")

    stop = threading.Event()
    workers = [threading.Thread(target=hammer, args=(stop,)) for _ in range(4)]
    for worker in workers:
        worker.start()
    time.sleep(1)
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f"ALTER DATABASE {stack.pg_name} ALLOW_CONNECTIONS false")
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{stack.pg_name}'"
        )
        time.sleep(2)
        down = get(stack.url + LEGACY)
        admin.execute(f"ALTER DATABASE {stack.pg_name} ALLOW_CONNECTIONS true")
    time.sleep(2)
    stop.set()
    for worker in workers:
        worker.join()

    assert down[0] == 503
    assert "database" in down[1]["detail"]
    assert 503 in statuses
    assert 200 in statuses
    assert set(statuses) == {200, 503}  # nothing else: no 500, no broken body
    assert get(stack.url + LEGACY)[0] == 200  # recovered
    logged = {
        rid
        for (rid,) in stack.rows(
            "SELECT correlation_id FROM predictions_prediction "
            "WHERE outcome = 'answered'"
        )
    }
    assert set(answered) <= logged  # every answer has its row


def test_sigterm_during_load_finishes_in_flight_requests_without_partial_rows(
    live_stack,
):
    stack = live_stack(workers=2)
    body = json.dumps([PATIENT] * 1000).encode()
    results = {}

    def post(request_id: str) -> None:
        request = urllib.request.Request(
            stack.url + "/api/v1/predictions/",
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "X-Request-Id": request_id},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                results[request_id] = (
                    response.status,
                    len(json.loads(response.read())),
                )
        except (urllib.error.URLError, ConnectionError) as exc:
            results[request_id] = (type(exc).__name__, 0)

    def client(number: int) -> None:
        for i in range(30):
            post(f"term-{number}-{i}")

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    stack.process.send_signal(signal.SIGTERM)
    assert stack.process.wait(timeout=60) == 0  # a graceful exit
    for thread in threads:
        thread.join()

    rows = dict(
        stack.rows(
            "SELECT correlation_id, COUNT(*) FROM predictions_prediction "
            "GROUP BY correlation_id"
        )
    )
    answered = [rid for rid, (status, _) in results.items() if status == 201]
    assert answered  # some finished before and during the shutdown
    assert all(results[rid][1] == 1000 and rows[rid] == 1000 for rid in answered)
    assert all(count == 1000 for count in rows.values())  # no partial batch
    shutil.rmtree(stack.workdir / "prometheus", ignore_errors=True)


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system


def test_a_token_post_on_a_connection_the_database_dropped_is_still_answered(
    live_stack,
):
    stack = live_stack(workers=1, database="postgres")
    token, _ = stack.user_with_token()

    def post(request_id: str) -> int:
        request = urllib.request.Request(
            stack.url + "/api/v1/predictions/",
            data=json.dumps(PATIENT).encode(),
            method="POST",
            headers={
                "Authorization": f"Token {token}",
                "Content-Type": "application/json",
                "X-Request-Id": request_id,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert {post(uuid.uuid4().hex) for _ in range(16)} == {201}  # every thread's
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            f"WHERE datname = '{stack.pg_name}'"
        )

    # The lane reads the token without a health check; on a dropped connection
    # the read fails, and the view reads it again on a new one.
    sent = [uuid.uuid4().hex for _ in range(24)]
    assert [post(request_id) for request_id in sent] == [201] * len(sent)
    logged = {
        rid
        for (rid,) in stack.rows(
            "SELECT correlation_id FROM predictions_prediction "
            "WHERE outcome = 'answered'"
        )
    }
    assert set(sent) <= logged
