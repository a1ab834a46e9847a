"""Two people recording an outcome for one prediction at the same moment: the
database's one-to-one constraint lets exactly one through; the other gets 409
naming the first.

Against gunicorn's workers on SQLite (a file, WAL, IMMEDIATE transactions) and on
PostgreSQL; and, on PostgreSQL, with the first insert held uncommitted while the
second arrives (SQLite's in-memory test database locks a whole table instead of
waiting, so that case exists only where the server waits as in production).
"""

import json
import threading
import time
import urllib.error
import urllib.request

import pytest
from django.db import connection, transaction

from predictions.models import RecordedOutcome
from predictions.outcome_services import OutcomeExists, outcome_record

PATIENT = {"age": 47, "sex": "F", "bp": "LOW", "cholesterol": "HIGH", "na_to_k": 14}
PREDICTIONS = 10


def call(url: str, token: str, body) -> tuple[int, object]:
    """POST JSON with a token; the status and the decoded answer."""
    request = urllib.request.Request(
        url,
        data=json.dumps(body).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        with exc:
            return exc.code, json.loads(exc.read())


def at_once(*calls) -> list:
    """Run the calls in threads released together; their results, in order."""
    start, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, work):
        start.wait(10)
        results[index] = work()

    threads = [
        threading.Thread(target=run, args=(i, work)) for i, work in enumerate(calls)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    return results


@pytest.mark.system
@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_two_workers_recording_at_once_give_one_201_and_one_409(live_stack, database):
    stack = live_stack(database=database, workers=4)
    token, _ = stack.user_with_token("alice")
    status, answers = call(
        f"{stack.url}/api/v1/predictions/", token, [PATIENT] * PREDICTIONS
    )
    assert status == 201

    for answer in answers:
        url = f"{stack.url}/api/v1/predictions/{answer['id']}/outcome/"
        results = at_once(
            lambda url=url: call(url, token, {"drug": "drugA"}),
            lambda url=url: call(url, token, {"drug": "drugB"}),
        )
        assert sorted(status for status, _ in results) == [201, 409], results
        created = next(body for status, body in results if status == 201)
        conflict = next(body for status, body in results if status == 409)
        assert conflict["outcome"] == created

    assert (
        stack.count("SELECT COUNT(*) FROM predictions_recordedoutcome") == PREDICTIONS
    )


def in_thread(work) -> threading.Thread:
    """Run `work` in a thread with its own connection, closed when it is done."""

    def run():
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def second_waiting_on_an_uncommitted_first(flushable, user, logged):
    """The first outcome is written but not committed when the second arrives: no
    check before the insert could see it; the constraint still refuses it."""
    row = logged(user=user)
    written, results = threading.Event(), {}

    def first():
        with transaction.atomic():
            results["first"] = outcome_record(
                prediction_id=row.pk, drug="drugA", user=user, source="api"
            )
            written.set()
            time.sleep(1.0)  # the second is now waiting on this transaction

    def second():
        written.wait(10)
        try:
            outcome_record(prediction_id=row.pk, drug="drugB", user=user, source="api")
        except OutcomeExists as exc:
            results["second"] = exc

    for thread in [in_thread(first), in_thread(second)]:
        thread.join(30)

    assert results["second"].first.pk == results["first"].pk
    assert "drugA, by alice" in str(results["second"])
    assert RecordedOutcome.objects.get().drug == "drugA"


if connection.vendor == "postgresql":
    test_a_second_insert_waiting_on_an_uncommitted_first_gets_409 = (
        pytest.mark.django_db(transaction=True)(second_waiting_on_an_uncommitted_first)
    )
