"""The lane answers the tutorial's plain call as Django's view does; Django the rest."""

import logging

import pytest
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from drugsite import wsgi
from ml import predictor
from predictions.lane import Lane
from predictions.models import Channel, Outcome, Prediction
from predictions.tests import lane_calls
from predictions.tests.lane_calls import (
    drugsite_lines,
    last_rows,
    log_refuses_rows,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("kept_connection")]
QUERY = "Age=60&Sex=F&BP=LOW&Cholesterol=HIGH&Na_to_K=20"


def call(app, path: str = "/drug", query: str = QUERY, **headers) -> tuple:
    return lane_calls.call(app, path, query, **headers)


def last_row() -> dict | None:
    rows = last_rows()
    return rows[0] if rows else None


def both(*args, **headers) -> tuple:
    """The lane's answer and row, then Django's to the same call."""
    lane = call(wsgi.application, *args, **headers)
    lane_row = last_row()
    django = call(WSGIHandler(), *args, **headers)  # made with the test's settings
    return lane, lane_row, django, last_row()


def test_the_served_application_is_django_behind_the_lane():
    assert isinstance(wsgi.application, Lane)
    assert wsgi.application.django_app is wsgi.django_application


def test_with_the_lane_off_django_answers_every_call(
    active_model, anonymous_allowed, lane_counts, settings
):
    settings.DRUGSITE_LANE = False

    status, _, body = call(wsgi.application, "//drug")

    assert lane_counts == ["//drug"]
    assert (status, body) == ("200 OK", b'{"recommended_drug":"DrugY"}')


def test_the_tutorials_call_gets_djangos_status_headers_body_and_row(
    active_model, anonymous_allowed, lane_counts
):
    lane, lane_row, django, django_row = both()

    assert lane_counts == []
    assert lane == django
    assert lane[2] == b'{"recommended_drug":"DrugY"}'
    assert lane_row == django_row
    assert lane_row["channel"] == Channel.LEGACY
    assert lane_row["outcome"] == Outcome.ANSWERED
    assert lane_row["user_id"] is None
    assert lane_row["auth_method"] == "anonymous"


def test_a_correlation_id_and_merged_slashes_are_answered_alike(
    active_model, anonymous_allowed, lane_counts
):
    lane, lane_row, django, django_row = both("//drug", X_CORRELATION_ID="abc-1")

    assert lane_counts == []
    assert lane == django
    assert lane[1]["X-Correlation-Id"] == "abc-1"
    assert lane_row == django_row
    assert lane_row["correlation_id"] == "abc-1"


def test_the_lane_writes_djangos_two_log_lines(active_model, anonymous_allowed, caplog):
    caplog.set_level(logging.INFO)
    lines = []
    for app in (wsgi.application, wsgi.django_application):
        caplog.clear()
        call(app, X_REQUEST_ID="log-1")
        lines.append(drugsite_lines(caplog.records))

    assert lines[0] == lines[1]
    assert set(lines[0]) == {"drugsite.request", "drugsite.prediction"}
    assert lines[0]["drugsite.request"]["correlation_id"] == "log-1"


@pytest.mark.parametrize(
    ("query", "headers", "status"),
    [
        (QUERY.replace("Age=60", "Age=abc"), {}, "400 Bad Request"),
        ("Age=60", {}, "400 Bad Request"),
        (QUERY, {"AUTHORIZATION": "Token not-a-key"}, "401 Unauthorized"),
        (QUERY, {"HOST": "evil.example"}, "400 Bad Request"),
    ],
)
def test_other_calls_are_handed_to_django(
    active_model, anonymous_allowed, lane_counts, query, headers, status
):
    answer = call(wsgi.application, query=query, **headers)

    assert lane_counts == ["/drug"]
    assert answer[0] == status


def test_a_rejected_call_is_recorded_once_by_django(
    active_model, anonymous_allowed, lane_counts
):
    call(wsgi.application, query=QUERY.replace("BP=LOW", "BP=SKY"))

    (row,) = Prediction.objects.all()
    assert row.outcome == Outcome.REJECTED
    assert "BP" in row.errors


def test_anonymous_calls_go_to_django_when_anonymous_use_is_off(
    active_model, lane_counts
):
    status, _, _ = call(wsgi.application)

    assert lane_counts == ["/drug"]
    assert status == "401 Unauthorized"
    assert not Prediction.objects.exists()


def test_plain_http_goes_to_django_where_https_is_required(
    active_model, anonymous_allowed, lane_counts, settings
):
    settings.SECURE_SSL_REDIRECT = True

    status, headers, _ = call(wsgi.application)

    assert (lane_counts, status) == (["/drug"], "301 Moved Permanently")
    assert headers["Location"].startswith("https://")


def test_https_gets_djangos_hsts_header(active_model, anonymous_allowed, settings):
    settings.SECURE_HSTS_SECONDS = 3600
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

    lane, _, django, _ = both(X_FORWARDED_PROTO="https")

    assert lane == django
    assert lane[1]["Strict-Transport-Security"].startswith("max-age=3600")


def test_the_throttle_counts_lane_calls_and_django_refuses_past_the_limit(
    active_model, anonymous_allowed, lane_counts, monkeypatch
):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/min"})
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "9/min"})
    cache.clear()

    statuses = [call(wsgi.application)[0] for _ in range(3)]

    assert statuses == ["200 OK", "200 OK", "429 Too Many Requests"]
    assert lane_counts == ["/drug"]
    assert Prediction.objects.count() == 2


def test_no_model_is_djangos_503_without_a_row(anonymous_allowed, lane_counts):
    predictor.clear_cache()

    lane, _, django, _ = both()

    assert lane_counts == []
    assert lane[0] == "503 Service Unavailable"
    assert lane == django
    assert not Prediction.objects.exists()


def test_a_log_that_refuses_the_row_is_djangos_503(
    active_model, anonymous_allowed, lane_counts
):
    log_refuses_rows()  # the database itself refuses the INSERT

    lane = call(wsgi.application)
    django = call(WSGIHandler())

    assert lane_counts == []
    assert lane[0] == "503 Service Unavailable"
    assert lane == django
    assert lane[1]["Retry-After"] == "5"


@pytest.mark.parametrize(
    "query",
    [
        QUERY,
        "Age=60&Age=abc&Sex=",
        "Na_to_K=1%2E5&BP=l+o+w&x",
        "Sex=%C3%A9&&Age=%00",
        "=&a=1=2",
    ],
)
def test_the_lanes_query_reading_is_djangos(query):
    from django.test import RequestFactory

    from predictions.lanes import query_parameters

    request = RequestFactory().get("/drug", QUERY_STRING=query)
    request.META["QUERY_STRING"] = query

    assert query_parameters(request) == {k: request.GET.get(k) for k in request.GET}
