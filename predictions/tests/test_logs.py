"""Structured logs: one line per request and per prediction, no patient data at INFO."""

import json
import logging

import pytest

from predictions.logformat import JsonFormatter

pytestmark = pytest.mark.django_db

LEGACY = "/drug?Age=60&Sex=F&BP=LOW&Cholesterol=HIGH&Na_to_K=20"


@pytest.fixture
def anonymous(settings):
    settings.DRUGSITE_ALLOW_ANONYMOUS = True


def records(caplog, name: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.name == name]


def test_each_request_logs_one_line_with_id_status_latency_and_user(
    client, active_model, anonymous, caplog
):
    caplog.set_level(logging.INFO)
    response = client.get(LEGACY, HTTP_X_REQUEST_ID="log-req-1")
    (line,) = records(caplog, "drugsite.request")
    assert (line.correlation_id, line.method, line.path, line.status) == (
        "log-req-1",
        "GET",
        "/drug",
        200,
    )
    assert line.latency_ms > 0
    assert line.user is None
    assert (line.addr, line.protocol) == ("127.0.0.1", "HTTP/1.1")  # access fields
    assert line.request_id == response["X-Request-Id"]
    assert response["X-Correlation-Id"] == "log-req-1"


def test_each_prediction_logs_one_line_without_patient_data(
    client, active_model, anonymous, caplog
):
    caplog.set_level(logging.INFO)
    client.get(LEGACY, HTTP_X_REQUEST_ID="log-pred-1")
    (line,) = records(caplog, "drugsite.prediction")
    assert (line.correlation_id, line.channel, line.count) == (
        "log-pred-1",
        "legacy",
        1,
    )
    assert line.model_version == active_model.version
    assert not hasattr(line, "inputs")
    assert not hasattr(line, "drugs")
    assert "DrugY" not in line.getMessage()


def test_patient_data_is_logged_only_when_configured(
    client, active_model, anonymous, caplog, settings
):
    settings.DRUGSITE_LOG_PATIENT_DATA = True
    caplog.set_level(logging.INFO)
    client.get(LEGACY)
    (line,) = records(caplog, "drugsite.prediction")
    assert line.inputs == [[60, "F", "LOW", "HIGH", 20.0]]
    assert line.drugs == ["DrugY"]


def test_rejected_requests_log_their_channel_and_id(
    client, active_model, anonymous, caplog
):
    caplog.set_level(logging.INFO)
    response = client.get("/drug?Age=abc", HTTP_X_REQUEST_ID="log-bad-1")
    (line,) = records(caplog, "drugsite.prediction")
    assert (line.getMessage(), line.correlation_id, line.channel) == (
        "rejected",
        "log-bad-1",
        "legacy",
    )
    assert line.request_id == response["X-Request-Id"]


def test_json_format_renders_one_parseable_object_per_line(
    client, active_model, anonymous, caplog, settings
):
    caplog.set_level(logging.INFO)
    client.get(LEGACY, HTTP_X_REQUEST_ID="log-json-1")
    assert settings.LOGGING["formatters"]["json"] == {
        "()": "predictions.logformat.JsonFormatter"
    }
    formatter = JsonFormatter()
    (line,) = records(caplog, "drugsite.request")
    text = formatter.format(line)
    assert "\n" not in text
    parsed = json.loads(text)
    assert parsed["correlation_id"] == "log-json-1"
    assert parsed["level"] == "INFO"
    assert parsed["status"] == 200
