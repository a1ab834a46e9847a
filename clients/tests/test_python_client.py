"""The Python client against a live drugsite: answers, batches, errors."""

import pytest
from drugsite_client import (
    AuthenticationError,
    DrugsiteClient,
    DrugsiteError,
    Flip,
    NotFound,
    Patient,
    ValidationError,
)

from clients.tests.support import EXAMPLES, as_fields, free_url


@pytest.fixture(scope="module")
def client(stack, token) -> DrugsiteClient:
    return DrugsiteClient(stack.url, token=token, timeout=10)


@pytest.mark.parametrize(("values", "drug"), EXAMPLES)
def test_predict_gives_the_tutorials_answers(client, values, drug):
    answer = client.predict(**as_fields(values))
    assert answer.drug == drug
    assert answer.probability == answer.probabilities[drug] == 1.0
    assert set(answer.probabilities) == {"DrugY", "drugA", "drugB", "drugC", "drugX"}
    assert answer.explanation
    assert answer.warnings == []
    assert answer.model_version
    assert answer.channel == "api"
    assert answer.user == "alice"
    assert answer.input == Patient(*values)


@pytest.mark.parametrize(("values", "drug"), EXAMPLES)
def test_legacy_drug_gives_the_tutorials_answers(client, values, drug):
    assert client.legacy_drug(**as_fields(values)) == drug


def test_predict_explains_the_answer_and_flags_the_boundary(client):
    answer = client.predict(age=47, sex="f", bp="low", cholesterol="high", na_to_k=14)
    assert answer.drug == "drugC"
    assert answer.input == Patient(47, "F", "LOW", "HIGH", 14)
    assert any(line.startswith("Na_to_K 14.0 <= ") for line in answer.explanation)
    assert "BP = LOW" in answer.explanation
    assert answer.boundary["feature"] == "Na_to_K"
    assert answer.near_boundary is False


def test_predict_near_a_boundary_gives_a_set_a_coverage_and_typed_flips(client):
    near = client.predict(age=47, sex="F", bp="LOW", cholesterol="HIGH", na_to_k=14.9)
    far = client.predict(age=47, sex="F", bp="LOW", cholesterol="HIGH", na_to_k=30)
    assert near.drug == far.drug == "DrugY"
    assert near.probability < far.probability == 1.0
    assert near.coverage == far.coverage == 0.95
    assert sorted(near.prediction_set) == ["DrugY", "drugC"]  # docs/confidence.md
    age, na_to_k = near.counterfactual
    assert age is None  # on this path Age changes nothing
    assert isinstance(na_to_k, Flip)
    assert (na_to_k.feature, na_to_k.direction, na_to_k.drug) == (
        "Na_to_K",
        "below",
        "drugC",
    )
    assert na_to_k.value < 14.9
    assert na_to_k.text == f"Na_to_K ≤ {na_to_k.value!r} → drugC"


def test_predict_warns_outside_the_training_data(client):
    answer = client.predict(age=120, sex="M", bp="HIGH", cholesterol="HIGH", na_to_k=9)
    assert answer.drug == "drugB"
    assert any("Age" in warning for warning in answer.warnings)


def test_predict_many_answers_in_order_with_distinct_ids(client):
    patients = [Patient(*values) for values, _ in EXAMPLES]
    answers = client.predict_many([*patients, as_fields(EXAMPLES[1][0])])
    assert [a.drug for a in answers] == [drug for _, drug in EXAMPLES] + ["DrugY"]
    assert [a.input for a in answers] == [*patients, patients[1]]
    assert len({a.id for a in answers}) == 5
    assert len({a.request_id for a in answers}) == 1


def test_prediction_reads_back_what_predict_answered(client):
    answer = client.predict(**as_fields(EXAMPLES[0][0]))
    assert client.prediction(answer.id) == answer


def test_prediction_of_an_unknown_id_raises_not_found(client):
    with pytest.raises(NotFound) as caught:
        client.prediction(10**9)
    assert caught.value.status == 404


def test_a_bad_value_raises_validation_error_naming_field_and_allowed_values(client):
    with pytest.raises(ValidationError) as caught:
        client.predict(age=47, sex="F", bp="VERYHIGH", cholesterol="HIGH", na_to_k=14)
    error = caught.value
    assert error.status == 400
    assert error.errors == {
        "bp": ["BP 'VERYHIGH' is not allowed: use one of HIGH, LOW, NORMAL."]
    }
    assert "bp: BP 'VERYHIGH' is not allowed" in str(error)
    assert error.request_id


def test_a_bad_patient_in_a_batch_is_named_by_its_index(client):
    patients = [as_fields(EXAMPLES[0][0]), as_fields((470, "F", "LOW", "HIGH", 14))]
    with pytest.raises(ValidationError) as caught:
        client.predict_many(patients)
    assert list(caught.value.errors) == ["1"]
    assert "0 to 120" in caught.value.errors["1"]["age"][0]


def test_legacy_drug_with_a_bad_value_raises_validation_error(client):
    with pytest.raises(ValidationError) as caught:
        client.legacy_drug(age=47, sex="X", bp="LOW", cholesterol="HIGH", na_to_k=14)
    assert "use one of F, M" in caught.value.errors["Sex"][0]


@pytest.mark.parametrize("token", ["wrong-token", None])
def test_a_wrong_or_missing_token_raises_authentication_error(stack, token):
    client = DrugsiteClient(stack.url, token=token)
    with pytest.raises(AuthenticationError) as caught:
        client.predict(**as_fields(EXAMPLES[0][0]))
    assert caught.value.status == 401
    with pytest.raises(AuthenticationError):
        client.legacy_drug(**as_fields(EXAMPLES[0][0]))


def test_an_unreachable_server_raises_drugsite_error_without_retrying():
    waits = []
    client = DrugsiteClient(free_url(), token="t", timeout=2, sleep=waits.append)
    with pytest.raises(DrugsiteError, match="Could not reach"):
        client.predict(**as_fields(EXAMPLES[0][0]))
    assert waits == []


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system
