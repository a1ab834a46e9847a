"""The lane answers a token's small POST /api/v1/predictions/ as the API view does."""

import json
import logging

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import connections, transaction
from rest_framework.throttling import UserRateThrottle

from drugsite import wsgi
from ml.reference import TUTORIAL_DEFAULT
from predictions.models import Outcome, Prediction
from predictions.tests.lane_calls import (
    call,
    drugsite_lines,
    last_rows,
    log_refuses_rows,
)
from predictions.tokens import token_create

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("kept_connection")]
API = "/api/v1/predictions/"
PATIENT = TUTORIAL_DEFAULT.as_fields()
#: Keys of an answer that differ between any two answers to the same call.
ANSWER_OWN = {"id", "request_id", "created_at", "model_time_us"}


def post(app, key: str, body: object, **headers) -> tuple:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return call(app, API, body=raw, AUTHORIZATION=f"Token {key}", **headers)


def comparable(answer: tuple) -> tuple:
    """Status, headers and body of an answer, less what every answer has its own."""
    status, headers, body = answer
    parsed = json.loads(body)
    items = parsed if isinstance(parsed, list) else [parsed]
    for item in items:
        for name in ANSWER_OWN & set(item):
            item[name] = "own"
    return status, {k: v for k, v in headers.items() if k != "Content-Length"}, parsed


def both(key: str, body: object, count: int = 1, **headers) -> tuple:
    """The lane's answer and rows, then Django's to the same call."""
    lane = post(wsgi.application, key, body, **headers)
    lane_rows = last_rows(count)
    django = post(WSGIHandler(), key, body, **headers)
    return lane, lane_rows, django, last_rows(count)


def test_one_record_gets_the_views_status_headers_answer_and_row(
    active_model, key, lane_counts
):
    lane, lane_rows, django, django_rows = both(key, PATIENT)

    assert lane_counts == []
    assert lane[0] == "201 Created"
    assert comparable(lane) == comparable(django)
    assert lane_rows == django_rows
    assert lane_rows[0]["username"] == "alice"
    assert lane_rows[0]["auth_method"] == "token"
    assert json.loads(lane[2])["drug"] == "drugC"


def test_a_small_batch_gets_the_views_answers_in_order(active_model, key, lane_counts):
    batch = [PATIENT, PATIENT | {"na_to_k": 30}, PATIENT | {"bp": "NORMAL"}]

    lane, lane_rows, django, django_rows = both(key, batch, count=3)

    assert lane_counts == []
    assert comparable(lane) == comparable(django)
    assert [a["drug"] for a in json.loads(lane[2])] == ["drugC", "DrugY", "drugX"]
    assert lane_rows == django_rows


def test_the_lane_writes_the_views_two_log_lines(active_model, key, caplog):
    caplog.set_level(logging.INFO)
    lines = []
    for app in (wsgi.application, WSGIHandler()):
        caplog.clear()
        post(app, key, PATIENT, X_CORRELATION_ID="api-1")
        lines.append(drugsite_lines(caplog.records))

    assert lines[0] == lines[1]
    assert lines[0]["drugsite.request"]["user"] is not None
    assert lines[0]["drugsite.prediction"]["channel"] == "api"


@pytest.mark.parametrize(
    ("body", "headers", "status"),
    [
        (b"{not json", {}, "400 Bad Request"),
        (PATIENT | {"age": "abc"}, {}, "400 Bad Request"),
        ([], {}, "400 Bad Request"),
        (PATIENT, {"CONTENT_TYPE": "text/plain"}, "415 Unsupported Media Type"),
        (PATIENT, {"ACCEPT": "text/csv"}, "406 Not Acceptable"),
    ],
)
def test_other_calls_are_handed_to_the_view(
    active_model, key, lane_counts, body, headers, status
):
    answer = post(wsgi.application, key, body, **headers)

    assert lane_counts == [API]
    assert answer[0] == status


def test_a_rejected_body_is_recorded_once_by_the_view(active_model, key, lane_counts):
    post(wsgi.application, key, PATIENT | {"bp": "SKY"})

    (row,) = Prediction.objects.all()
    assert row.outcome == Outcome.REJECTED
    assert "bp" in json.dumps(row.errors)


def test_a_bad_token_is_the_views_401(active_model, lane_counts):
    answer = post(wsgi.application, "not-a-key", PATIENT)

    assert (lane_counts, answer[0]) == ([API], "401 Unauthorized")
    assert answer[1]["WWW-Authenticate"] == "Token"


def test_a_token_without_the_prescriber_role_is_the_views_403(
    active_model, django_user_model, lane_counts
):
    nobody = django_user_model.objects.create_user("nobody", password="x" * 12)
    _, other = token_create(user=nobody)

    answer = post(wsgi.application, other, PATIENT)

    assert (lane_counts, answer[0]) == ([API], "403 Forbidden")
    assert not Prediction.objects.exists()


def test_the_lane_reads_the_token_without_a_health_check_the_view_keeps_it(
    active_model, key, lane_counts, monkeypatch
):
    checks = []
    database = connections["default"]
    usable = type(database).is_usable
    monkeypatch.setattr(
        type(database), "is_usable", lambda c: checks.append(1) or usable(c)
    )

    post(wsgi.application, key, PATIENT)  # the first loads the model (the ORM)
    checks.clear()
    database.health_check_done = False  # as at the start of every request
    lane = post(wsgi.application, key, PATIENT)
    assert (lane[0], lane_counts, checks) == ("201 Created", [], [])

    database.health_check_done = False
    view = post(WSGIHandler(), key, PATIENT)
    assert (view[0], checks) == ("201 Created", [1])  # a SELECT 1 on PostgreSQL


def test_a_large_batch_takes_the_views_path(active_model, key, lane_counts, settings):
    settings.DRUGSITE_LARGE_BODY_BYTES = 200

    answer = post(wsgi.application, key, [PATIENT] * 5)

    assert (lane_counts, answer[0]) == ([API], "201 Created")
    assert Prediction.objects.count() == 5


def test_a_throttled_token_is_the_views_429(
    active_model, key, lane_counts, monkeypatch
):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/min"})
    cache.clear()

    statuses = [post(wsgi.application, key, PATIENT)[0] for _ in range(3)]

    assert statuses == ["201 Created", "201 Created", "429 Too Many Requests"]
    assert lane_counts == [API]
    assert Prediction.objects.count() == 2


def test_a_log_that_refuses_the_row_is_the_views_503(active_model, key, lane_counts):
    log_refuses_rows()  # the database itself refuses the INSERT

    savepoint = transaction.savepoint()  # PostgreSQL: the failed INSERT aborts
    lane = post(wsgi.application, key, PATIENT)  # the test's transaction
    transaction.savepoint_rollback(savepoint)
    django = post(WSGIHandler(), key, PATIENT)

    assert lane_counts == []
    assert lane[0] == "503 Service Unavailable"
    assert lane == django
