"""The development console's plain lines carry the fields the JSON lines carry."""

import logging
import re
import sys

import pytest

from predictions.logformat import PlainFormatter

LEGACY = "/drug?Age=60&Sex=F&BP=LOW&Cholesterol=HIGH&Na_to_K=20"
LINE_START = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d (INFO|ERROR) "


def emitted(records: list[logging.LogRecord], name: str) -> logging.LogRecord:
    (record,) = [r for r in records if r.name == name]
    return record


def made(name: str, message: str, extra: dict) -> logging.LogRecord:
    return logging.getLogger(name).makeRecord(
        name, logging.INFO, __file__, 1, message, None, None, extra=extra
    )


@pytest.fixture
def served(client, active_model, anonymous_allowed, caplog):
    """The records one answered tutorial GET writes, as the app really emits them."""
    caplog.set_level(logging.INFO)
    client.get(LEGACY, HTTP_X_REQUEST_ID="ab12")
    return list(caplog.records)


def test_the_request_line_shows_method_path_status_latency_and_request_id(served):
    record = emitted(served, "drugsite.request")

    line = PlainFormatter().format(record)

    assert re.match(LINE_START + r"drugsite\.request GET /drug 200 \d+\.\dms ", line)
    assert line.endswith(
        f" request_id={record.request_id} correlation_id=ab12"
        " addr=127.0.0.1 protocol=HTTP/1.1"
    )
    assert f"{record.latency_ms:.1f}ms" in line


def test_the_request_line_names_a_signed_in_user():
    record = made(
        "drugsite.request",
        "request",
        {
            "request_id": "ab12",
            "method": "POST",
            "path": "/api/v1/predictions/",
            "status": 201,
            "latency_ms": 1.234,
            "user": 3,
        },
    )

    line = PlainFormatter().format(record)

    assert line.endswith(
        "INFO drugsite.request POST /api/v1/predictions/ 201 1.2ms "
        "request_id=ab12 user=3"
    )


def test_the_prediction_line_shows_channel_count_and_model_version(
    served, active_model
):
    record = emitted(served, "drugsite.prediction")

    line = PlainFormatter().format(record)

    assert re.match(LINE_START + r"drugsite\.prediction prediction ", line)
    for field in (
        "correlation_id=ab12",
        "channel=legacy",
        "count=1",
        f"model_version={active_model.version}",
    ):
        assert f" {field}" in line
    assert "user=" not in line  # anonymous: empty fields are left out


def test_a_record_without_extra_fields_is_the_plain_line():
    record = made("drugsite.ops", "all %s", {})
    record.args = ("well",)

    assert PlainFormatter().format(record).endswith(" INFO drugsite.ops all well")


def test_values_with_spaces_or_newlines_stay_on_one_line_as_one_token():
    record = made(
        "drugsite.request",
        "request",
        {
            "method": "GET",
            "path": "/a b\nINFO forged",
            "status": 404,
            "latency_ms": 0.5,
            "inputs": [[60, "F"]],
        },
    )

    line = PlainFormatter().format(record)

    assert "\n" not in line
    assert 'GET "/a b\\nINFO forged" 404 0.5ms inputs="[[60, \'F\']]"' in line


def test_an_exception_follows_the_line_with_its_traceback():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("drugsite.ops").makeRecord(
            "drugsite.ops",
            logging.ERROR,
            __file__,
            1,
            "failed",
            None,
            sys.exc_info(),
            extra={"request_id": "ab12"},
        )

    first, *rest = PlainFormatter().format(record).splitlines()

    assert re.match(LINE_START + r"drugsite\.ops failed request_id=ab12$", first)
    assert rest[-1] == "ValueError: boom"


def test_the_settings_use_it_for_the_plain_console_format(settings):
    assert settings.LOGGING["formatters"]["plain"] == {
        "()": "predictions.logformat.PlainFormatter"
    }
