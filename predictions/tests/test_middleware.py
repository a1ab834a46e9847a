"""Request ids: a new one per request, sent back as X-Request-Id; the caller's own
sane id kept as the correlation id and echoed as X-Correlation-Id."""

import re

import pytest

from predictions.models import Channel, Prediction

CHANNELS = (Channel.FORM, Channel.API, Channel.LEGACY)
SERVER_ID = re.compile(r"[0-9a-f]{32}")


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_incoming_request_id_is_kept_as_the_correlation_id_and_echoed(
    channel, ask, user_client, record, active_model
):
    response = ask(user_client, channel, record, headers={"X-Request-Id": "abc-123"})

    row = Prediction.objects.get()
    assert response["X-Correlation-Id"] == row.correlation_id == "abc-123"
    assert SERVER_ID.fullmatch(response["X-Request-Id"])
    assert row.request_id == response["X-Request-Id"]


def test_an_incoming_correlation_id_header_is_kept_too(
    ask, user_client, record, active_model
):
    response = ask(
        user_client, Channel.API, record, headers={"X-Correlation-Id": "trace.42"}
    )

    assert response["X-Correlation-Id"] == "trace.42"
    assert Prediction.objects.get().correlation_id == "trace.42"


def test_two_callers_sending_the_same_id_get_different_request_ids(
    ask, user_client, other_client, record, active_model
):
    first = ask(user_client, Channel.API, record, headers={"X-Request-Id": "same"})
    second = ask(other_client, Channel.API, record, headers={"X-Request-Id": "same"})

    assert first["X-Request-Id"] != second["X-Request-Id"]
    rows = Prediction.objects.order_by("id")
    assert [row.correlation_id for row in rows] == ["same", "same"]
    assert len({row.request_id for row in rows}) == 2
    assert Prediction.objects.filter(request_id=first["X-Request-Id"]).count() == 1


@pytest.mark.parametrize(
    "incoming",
    [
        pytest.param("abc 123", id="spaces"),
        pytest.param("a" * 200, id="200-chars"),
        pytest.param("<script>", id="markup"),
        pytest.param("", id="empty"),
        pytest.param("abc\n", id="trailing-newline"),
    ],
)
@pytest.mark.parametrize("channel", CHANNELS)
def test_an_invalid_request_id_is_not_kept(
    channel, incoming, ask, user_client, record, active_model
):
    response = ask(user_client, channel, record, headers={"X-Request-Id": incoming})

    assert "X-Correlation-Id" not in response
    assert SERVER_ID.fullmatch(response["X-Request-Id"])
    row = Prediction.objects.get()
    assert row.request_id == response["X-Request-Id"]
    assert row.correlation_id == ""


def test_each_request_gets_its_own_request_id(client, db):
    first = client.get("/accounts/login/")
    second = client.get("/accounts/login/")

    assert SERVER_ID.fullmatch(first["X-Request-Id"])
    assert first["X-Request-Id"] != second["X-Request-Id"]


def test_request_ids_are_uuid7_and_sort_in_the_order_they_were_made():
    import uuid

    from predictions.middleware import request_id_new

    made = [request_id_new() for _ in range(200)]

    assert len(set(made)) == 200
    assert all(uuid.UUID(made_id).version == 7 for made_id in made)
    milliseconds = [made_id[:12] for made_id in made]
    assert milliseconds == sorted(milliseconds)
