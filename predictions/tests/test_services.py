"""The one predict-and-log service, directly and as each channel uses it."""

import itertools
import math

import pytest

from ml.features import LABELS, PatientRecord
from ml.reference import EXAMPLES
from predictions.models import AuthMethod, Channel, Outcome, Prediction
from predictions.origin import Origin
from predictions.services import (
    RAW_INPUT_LIMIT,
    LogUnavailable,
    prediction_create,
    prediction_reject,
)

CHANNELS = (Channel.FORM, Channel.API, Channel.LEGACY)
SUCCESS = {Channel.FORM: 302, Channel.API: 201, Channel.LEGACY: 200}


def nobody(request_id: str) -> Origin:
    """An anonymous caller's request."""
    return Origin.of(user=None, auth_method=AuthMethod.ANONYMOUS, request_id=request_id)


def answered_drug(client, channel, response) -> str:
    """The drug a caller of `channel` is shown in `response`."""
    if channel == Channel.API:
        return response.json()["drug"]
    if channel == Channel.LEGACY:
        return response.json()["recommended_drug"]
    page = client.get(response.url)
    shown = page.context["shown"].drug
    assert f'<span class="drug">{shown}</span>' in page.content.decode()
    return shown


@pytest.mark.parametrize("channel", CHANNELS)
def test_each_channel_writes_exactly_one_answered_row(
    channel, ask, user_client, user, record, active_model
):
    response = ask(user_client, channel, record)

    assert response.status_code == SUCCESS[channel]
    row = Prediction.objects.get()
    assert row.channel == channel
    assert row.outcome == Outcome.ANSWERED
    assert row.user == user
    assert row.item_index == 0
    assert (row.age, row.sex, row.bp, row.cholesterol, row.na_to_k) == (
        47,
        "F",
        "LOW",
        "HIGH",
        14.0,
    )
    assert type(row.age) is int
    assert type(row.na_to_k) is float
    assert row.drug == "drugC"
    assert set(row.probabilities) <= set(active_model.classes)
    assert math.isclose(sum(row.probabilities.values()), 1.0)
    assert max(row.probabilities, key=row.probabilities.get) == "drugC"
    assert row.model_version_id == active_model.pk
    assert row.explanation
    assert all(isinstance(step, str) and step for step in row.explanation)
    assert row.warnings == []
    assert row.errors is None
    assert row.request_id == response["X-Request-Id"]


REFERENCE_TABLE = [
    pytest.param(record, expected, channel, id=f"{record.as_row()}-{channel}")
    for (record, expected), channel in itertools.product(EXAMPLES, CHANNELS)
]


@pytest.mark.parametrize(("record", "expected", "channel"), REFERENCE_TABLE)
def test_reference_examples_are_answered_alike_by_every_channel(
    record, expected, channel, ask, user_client, active_model
):
    response = ask(user_client, channel, record)

    assert response.status_code == SUCCESS[channel]
    assert answered_drug(user_client, channel, response) == expected
    assert Prediction.objects.get().drug == expected


@pytest.mark.parametrize("channel", [Channel.API, Channel.LEGACY])
def test_a_failed_log_write_answers_503_without_a_drug(
    channel, ask, user_client, record, active_model, broken_log
):
    response = ask(user_client, channel, record)

    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"].isdigit()
    body = response.json()
    assert list(body) == ["detail"]
    assert "audit log" in body["detail"]
    assert not any(label in response.content.decode() for label in LABELS)
    broken_log.assert_called_once()
    assert not Prediction.objects.exists()


def test_a_failed_log_write_shows_the_form_error_with_503(
    ask, user_client, record, active_model, broken_log
):
    response = ask(user_client, Channel.FORM, record)

    assert response.status_code == 503
    assert response.context["shown"] is None
    assert "could not be recorded in the audit log" in response.content.decode()
    assert 'class="drug"' not in response.content.decode()
    assert not Prediction.objects.exists()


@pytest.mark.parametrize("channel", [Channel.API, Channel.LEGACY])
def test_no_active_model_answers_503_naming_train_model_in_development(
    channel, ask, user_client, record, no_model, settings
):
    settings.DEBUG = True
    response = ask(user_client, channel, record)

    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    assert "train_model" in response.json()["detail"]


@pytest.mark.parametrize("channel", [Channel.API, Channel.LEGACY])
def test_no_active_model_tells_production_callers_what_and_when_not_how(
    channel, ask, user_client, record, no_model
):
    response = ask(user_client, channel, record)

    assert response.status_code == 503
    assert response["Retry-After"].isdigit()
    detail = response.json()["detail"]
    assert "No usable model is available right now" in detail
    assert "manage.py" not in detail
    assert not Prediction.objects.exists()


def test_prediction_create_raises_log_unavailable_when_the_insert_fails(
    record, active_model, broken_log
):
    with pytest.raises(LogUnavailable, match="audit log"):
        prediction_create(records=[record], channel=Channel.API, origin=nobody("r-1"))
    assert not Prediction.objects.exists()


def test_prediction_create_warns_about_inputs_outside_the_training_range(
    active_model,
):
    (row,) = prediction_create(
        records=[PatientRecord(120, "M", "HIGH", "HIGH", 10.0)],
        channel=Channel.API,
        origin=nobody("r-2"),
    )

    assert row.warnings
    assert any("Age" in warning for warning in row.warnings)
    assert Prediction.objects.get().warnings == row.warnings


@pytest.mark.django_db
def test_prediction_reject_keeps_only_the_start_of_a_huge_request():
    row = prediction_reject(
        data={"age": "9" * (RAW_INPUT_LIMIT * 2)},
        errors={"age": ["too long"]},
        channel=Channel.API,
        origin=nobody("r-3"),
    )

    row.refresh_from_db()
    assert row.outcome == Outcome.REJECTED
    assert list(row.raw_input) == ["truncated"]
    assert len(row.raw_input["truncated"]) == RAW_INPUT_LIMIT
    assert row.errors == {"age": ["too long"]}


def test_a_driver_error_in_the_log_write_is_a_503_not_a_500(
    ask, user_client, record, active_model, monkeypatch
):
    from django.db import connection

    from predictions import writes

    class FailingCursor:
        def __enter__(self):
            return self

        def __exit__(self, *exc):
            return False

        def execute(self, *args, **kwargs):
            raise connection.Database.OperationalError("server closed the connection")

    monkeypatch.setattr(writes, "cursor_for", lambda connection: FailingCursor())
    response = ask(user_client, Channel.API, record)

    assert response.status_code == 503
    assert "audit log" in response.json()["detail"]
    assert not Prediction.objects.exists()
