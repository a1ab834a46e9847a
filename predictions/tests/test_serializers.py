"""API input validation: one patient or a batch, checked against ml.features."""

import json
from dataclasses import asdict

import pytest

from ml.reference import EXAMPLES
from predictions.models import Channel, Outcome, Prediction

API = "/api/v1/predictions/"
VALID = {"age": 47, "sex": "F", "bp": "LOW", "cholesterol": "HIGH", "na_to_k": 14}
WITHOUT_NA_TO_K = {k: v for k, v in VALID.items() if k != "na_to_k"}

BAD_BODIES = [
    pytest.param(VALID | {"age": "abc"}, "age", "not a number", id="age-text"),
    pytest.param(VALID | {"age": 47.5}, "age", "whole number", id="age-fraction"),
    pytest.param(VALID | {"age": -1}, "age", "out of range", id="age-negative"),
    pytest.param(VALID | {"age": 200}, "age", "out of range", id="age-200"),
    pytest.param(VALID | {"age": True}, "age", "whole number", id="age-boolean"),
    pytest.param(VALID | {"na_to_k": "nan"}, "na_to_k", "not a number", id="nan"),
    pytest.param(
        VALID | {"bp": "VERYHIGH"}, "bp", "one of HIGH, LOW, NORMAL", id="bp-unknown"
    ),
    pytest.param(WITHOUT_NA_TO_K, "na_to_k", "required", id="missing-field"),
    pytest.param(VALID | {"weight": 70}, "weight", "Unknown field", id="unknown"),
    pytest.param("hello", "non_field_errors", "Expected an object", id="string"),
    pytest.param([], "non_field_errors", "got 0", id="empty-batch"),
]


def post(client, body: str):
    return client.post(API, body, content_type="application/json")


def assert_only_rejected(response, user, fragment: str) -> None:
    """No answer was logged; one rejected row records the errors, user and id."""
    assert not Prediction.objects.filter(outcome=Outcome.ANSWERED).exists()
    rejected = Prediction.objects.get()
    assert rejected.outcome == Outcome.REJECTED
    assert rejected.channel == Channel.API
    assert rejected.user == user
    assert rejected.request_id == response["X-Request-Id"]
    assert fragment in json.dumps(rejected.errors)


@pytest.mark.parametrize(("body", "field", "fragment"), BAD_BODIES)
def test_bad_input_is_rejected_with_field_errors_and_logged_as_rejected(
    body, field, fragment, user_client, user, active_model
):
    response = post(user_client, json.dumps(body))

    assert response.status_code == 400
    errors = response.json()
    assert list(errors) == [field]
    assert fragment in errors[field][0]
    assert_only_rejected(response, user, fragment)
    assert Prediction.objects.get().raw_input == body


def test_a_malformed_json_body_is_rejected_and_logged(user_client, user, active_model):
    response = post(user_client, '{"age": 47,')

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]
    assert_only_rejected(response, user, "JSON parse error")


def test_category_values_are_case_insensitive(user_client, active_model):
    response = post(user_client, json.dumps(VALID | {"sex": "f", "bp": "low"}))

    assert response.status_code == 201
    assert response.json()["input"] == VALID | {"na_to_k": 14.0}
    row = Prediction.objects.get()
    assert (row.sex, row.bp) == ("F", "LOW")


def test_a_batch_over_the_limit_is_rejected(user_client, user, settings, active_model):
    settings.DRUGSITE_MAX_BATCH = 5

    response = post(user_client, json.dumps([VALID] * 6))

    assert response.status_code == 400
    assert "1 to 5" in response.json()["non_field_errors"][0]
    assert_only_rejected(response, user, "got 6")


def test_a_batch_at_the_limit_is_answered(user_client, settings, active_model):
    settings.DRUGSITE_MAX_BATCH = 5

    response = post(user_client, json.dumps([VALID] * 5))

    assert response.status_code == 201
    assert len(response.json()) == 5


def test_a_batch_with_bad_items_is_rejected_whole_with_errors_by_index(
    user_client, user, active_model
):
    batch = [asdict(record) for record, _ in EXAMPLES]
    batch[1]["bp"] = "X"
    batch[3] = "not a patient"

    response = post(user_client, json.dumps(batch))

    assert response.status_code == 400
    errors = response.json()
    assert sorted(errors) == ["1", "3"]
    assert list(errors["1"]) == ["bp"]
    assert "one of HIGH, LOW, NORMAL" in errors["1"]["bp"][0]
    assert list(errors["3"]) == ["non_field_errors"]
    assert_only_rejected(response, user, "one of HIGH, LOW, NORMAL")
