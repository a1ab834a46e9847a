"""The API's JSON parser against bodies nobody should send: too deep, too large,
not characters, not finite. Each is a JSON 400/413 naming the problem and a
rejected row, never a 500 or a false 503."""

import json
import time

import pytest
from django.test import RequestFactory

from predictions.bodies import BodyRejected
from predictions.models import Channel, Outcome, Prediction
from predictions.parsers import MAX_DEPTH, SafeJSONParser
from predictions.services import RAW_INPUT_LIMIT

URL = "/api/v1/predictions/"
PATIENT = {"age": 47, "sex": "F", "bp": "HIGH", "cholesterol": "HIGH", "na_to_k": 14}
ONE = json.dumps(PATIENT)


def parse(body: str | bytes):
    """Parse a body as DRF hands it over: a real request's unread stream."""
    request = RequestFactory().post(URL, body, content_type="application/json")
    context = {"request": request, "encoding": "utf-8"}
    return SafeJSONParser().parse(request, "application/json", context)


def nested(depth: int, kind: str = "[") -> str:
    if kind == "[":
        return "[" * depth + "]" * depth
    return '{"a":' * depth + "1" + "}" * depth


def with_sex(text: str) -> str:
    """The patient with a sex field written as raw JSON text."""
    return ONE.replace('"F"', text)


def test_a_patient_and_a_batch_parse_as_json_does():
    assert parse(ONE) == PATIENT
    assert parse(json.dumps([PATIENT] * 3, indent=4)) == [PATIENT] * 3


@pytest.mark.parametrize("kind", ["[", "{"])
def test_nesting_thousands_deep_is_refused_before_json_recurses(kind):
    with pytest.raises(BodyRejected) as caught:
        parse(nested(5000, kind))
    assert caught.value.status_code == 400
    assert f"deeper than {MAX_DEPTH}" in str(caught.value.detail)
    assert caught.value.body == nested(5000, kind)[:RAW_INPUT_LIMIT]


def test_nesting_up_to_the_limit_is_parsed():
    assert parse(nested(MAX_DEPTH)) is not None
    with pytest.raises(BodyRejected):
        parse(nested(MAX_DEPTH + 1))


def test_brackets_inside_strings_do_not_count_as_nesting():
    body = {"note": "[{" * 500 + '\\"]' * 3, **PATIENT}
    assert parse(json.dumps([body])) == [body]


def test_an_unterminated_string_of_escaped_quotes_is_scanned_in_linear_time():
    body = "[" * (MAX_DEPTH + 1) + '"' + '\\"' * 20_000  # 5 s if quadratic
    started = time.perf_counter()
    with pytest.raises(BodyRejected):
        parse(body)
    assert time.perf_counter() - started < 0.5


@pytest.mark.parametrize(
    "text",
    [
        pytest.param('"\\ud800"', id="high"),
        pytest.param('"\\uDC00"', id="low"),
        pytest.param('"F\\ude00\\ud83d"', id="reversed-pair"),
    ],
)
def test_a_lone_surrogate_is_refused_with_its_code_point_named(text):
    with pytest.raises(BodyRejected) as caught:
        parse(with_sex(text))
    message = str(caught.value.detail)
    assert "lone UTF-16 surrogate" in message
    assert "\\ud" in message.lower()
    message.encode("utf-8")  # the message itself is text


def test_a_lone_surrogate_in_a_key_is_refused_too():
    with pytest.raises(BodyRejected):
        parse(ONE[:-1] + ', "\\ud800": 1}')


def test_a_surrogate_pair_and_an_escaped_backslash_are_ordinary_text():
    assert parse('{"note": "\\ud83d\\ude00"}') == {"note": "\U0001f600"}
    assert parse('{"note": "\\\\ud800"}') == {"note": "\\ud800"}


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e999"])
def test_numbers_no_database_keeps_are_refused(number):
    with pytest.raises(BodyRejected) as caught:
        parse(ONE.replace("14}", number + "}"))
    assert "finite" in str(caught.value.detail)


def test_the_largest_float_is_a_number():
    assert parse('{"na_to_k": 1.7e308}') == {"na_to_k": 1.7e308}


def test_bytes_that_are_not_utf8_are_refused_naming_the_encoding():
    with pytest.raises(BodyRejected) as caught:
        parse(ONE.encode().replace(b'"F"', b'"\xed\xa0\x80"'))
    assert "utf-8" in str(caught.value.detail)


HOSTILE = [
    pytest.param(nested(5000), 400, "too_deep", id="deep-array"),
    pytest.param(nested(5000, "{"), 400, "too_deep", id="deep-object"),
    pytest.param(with_sex('"\\ud800"'), 400, "lone_surrogate", id="surrogate"),
    pytest.param(ONE[:-1] + ', "\\udfff": 1}', 400, "lone_surrogate", id="key"),
    pytest.param(ONE.replace("14}", "1e999}"), 400, "parse_error", id="1e999"),
    pytest.param(ONE.replace("14}", "NaN}"), 400, "parse_error", id="nan"),
    pytest.param(ONE[:-1], 400, "parse_error", id="truncated"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("body", "status", "code"), HOSTILE)
def test_a_hostile_body_is_a_json_error_and_a_rejected_row(
    user_client, active_model, body, status, code
):
    response = user_client.post(URL, body, content_type="application/json")

    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]
    row = Prediction.objects.get()
    assert (row.outcome, row.channel) == (Outcome.REJECTED, Channel.API)
    assert row.errors["code"] == code
    kept = (
        row.raw_input if isinstance(row.raw_input, str) else row.raw_input["truncated"]
    )
    assert len(kept) <= RAW_INPUT_LIMIT
    assert body[:100] in kept or json.dumps(body[:100])[1:-1] in kept


@pytest.mark.django_db
def test_a_batch_just_under_the_body_limit_is_answered(user_client, active_model):
    limit = 1024 * 1000
    body = json.dumps([PATIENT] * 1000).ljust(limit)
    response = user_client.post(URL, body, content_type="application/json")
    assert response.status_code == 201
    assert Prediction.objects.filter(outcome=Outcome.ANSWERED).count() == 1000


@pytest.mark.django_db
def test_a_batch_just_over_the_body_limit_is_413_and_a_rejected_row(
    user_client, active_model, settings
):
    body = json.dumps([PATIENT] * 1000).ljust(settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    response = user_client.post(URL, body, content_type="application/json")
    assert response.status_code == 413
    assert "DATA_UPLOAD_MAX_MEMORY_SIZE" in response.json()["detail"]
    (row,) = Prediction.objects.all()
    assert (row.outcome, row.errors["code"]) == (Outcome.REJECTED, "too_large")
