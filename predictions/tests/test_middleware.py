"""Request ids: the caller's X-Request-Id when sane, else a new one; always echoed."""

import re

import pytest

from predictions.models import Channel, Prediction

CHANNELS = (Channel.FORM, Channel.API, Channel.LEGACY)


@pytest.mark.parametrize("channel", CHANNELS)
def test_an_incoming_request_id_is_logged_and_echoed(
    channel, ask, user_client, record, active_model
):
    response = ask(user_client, channel, record, headers={"X-Request-Id": "abc-123"})

    assert response["X-Request-Id"] == "abc-123"
    assert Prediction.objects.get().request_id == "abc-123"


@pytest.mark.parametrize(
    "incoming",
    [
        pytest.param("abc 123", id="spaces"),
        pytest.param("a" * 200, id="200-chars"),
        pytest.param("<script>", id="markup"),
        pytest.param("", id="empty"),
    ],
)
@pytest.mark.parametrize("channel", CHANNELS)
def test_an_invalid_request_id_is_replaced_by_a_generated_one(
    channel, incoming, ask, user_client, record, active_model
):
    response = ask(user_client, channel, record, headers={"X-Request-Id": incoming})

    generated = response["X-Request-Id"]
    assert generated != incoming
    assert re.fullmatch(r"[0-9a-f]{32}", generated)
    assert Prediction.objects.get().request_id == generated


def test_a_request_id_with_a_trailing_newline_is_replaced(
    ask, user_client, record, active_model
):
    response = ask(user_client, "api", record, headers={"X-Request-Id": "abc\n"})

    assert re.fullmatch(r"[0-9a-f]{32}", response["X-Request-Id"])
    assert Prediction.objects.get().request_id == response["X-Request-Id"]


def test_each_request_without_an_id_gets_its_own(client, db):
    first = client.get("/accounts/login/")
    second = client.get("/accounts/login/")

    assert first["X-Request-Id"]
    assert first["X-Request-Id"] != second["X-Request-Id"]
