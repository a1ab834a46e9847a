"""Production's JSON lines: one object per record, as python-json-logger wrote."""

import json
import logging
import re
import sys
from datetime import UTC, datetime

from predictions.logformat import JsonFormatter

TIME = r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}$"


def made(message: str, extra: dict, exc_info=None) -> logging.LogRecord:
    return logging.getLogger("drugsite.request").makeRecord(
        "drugsite.request",
        logging.INFO,
        __file__,
        1,
        message,
        None,
        exc_info,
        extra=extra,
    )


def test_a_record_is_time_level_name_message_then_its_extra_fields_in_order():
    record = made("request", {"request_id": "ab12", "status": 200, "user": None})

    line = json.loads(JsonFormatter().format(record))

    assert list(line) == [
        "time", "level", "name", "message", "request_id", "status", "user"
    ]  # fmt: skip
    assert line["level"] == "INFO"
    assert line["name"] == "drugsite.request"
    assert (line["message"], line["request_id"], line["user"]) == (
        "request",
        "ab12",
        None,
    )


def test_the_time_is_the_records_own_to_the_millisecond():
    formatter = JsonFormatter()
    first, later = made("a", {}), made("b", {})
    later.created, later.msecs = first.created + 1.25, (first.msecs + 250) % 1000

    times = [json.loads(formatter.format(r))["time"] for r in (first, later)]

    assert all(re.match(TIME, t) for t in times)
    assert times[0] == logging.Formatter().formatTime(first)
    assert times[1] == logging.Formatter().formatTime(later)


def test_a_traceback_is_kept_in_exc_info_on_the_same_line():
    try:
        raise ValueError("boom")
    except ValueError:
        record = made("failed", {"request_id": "ab12"}, sys.exc_info())

    text = JsonFormatter().format(record)

    assert "\n" not in text
    assert json.loads(text)["exc_info"].endswith("ValueError: boom")


def test_values_json_has_no_type_for_are_written_as_text():
    when = datetime(2026, 12, 7, 1, 2, 3, tzinfo=UTC)
    record = made("x", {"when": when, "thing": object(), "inputs": [[60, "F"]]})

    line = json.loads(JsonFormatter().format(record))

    assert line["when"] == "2026-12-07T01:02:03+00:00"
    assert line["thing"].startswith("<object object at ")
    assert line["inputs"] == [[60, "F"]]


def test_args_are_merged_into_the_message():
    record = made("all %s", {})
    record.args = ("well",)

    assert json.loads(JsonFormatter().format(record))["message"] == "all well"
