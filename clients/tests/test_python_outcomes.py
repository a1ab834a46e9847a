"""The Python client records the drug prescribed, against a live drugsite."""

import pytest
from drugsite_client import (
    Conflict,
    DrugsiteClient,
    NotFound,
    Outcome,
    ValidationError,
)

from clients.tests.support import EXAMPLES, as_fields, create_tokens


@pytest.fixture(scope="module")
def client(stack, token) -> DrugsiteClient:
    return DrugsiteClient(stack.url, token=token, timeout=10)


def test_record_outcome_returns_the_typed_outcome_and_the_prediction_shows_it(client):
    answer = client.predict(**as_fields(EXAMPLES[0][0]))
    assert answer.recorded_outcome is None

    outcome = client.record_outcome(answer.id, "drugx")

    assert isinstance(outcome, Outcome)
    assert (outcome.prediction, outcome.drug, outcome.user, outcome.source) == (
        answer.id,
        "drugX",
        "alice",
        "api",
    )
    assert outcome.recorded_at.endswith("Z")
    assert client.prediction(answer.id).recorded_outcome == outcome


def test_a_second_outcome_raises_conflict_carrying_the_first(client):
    answer = client.predict(**as_fields(EXAMPLES[1][0]))
    first = client.record_outcome(answer.id, "DrugY")

    with pytest.raises(Conflict) as caught:
        client.record_outcome(answer.id, "drugA")

    assert caught.value.status == 409
    assert caught.value.outcome == first
    assert f"prediction {answer.id}: DrugY, by alice" in str(caught.value)


def test_an_unknown_drug_raises_validation_error_naming_the_allowed_ones(client):
    answer = client.predict(**as_fields(EXAMPLES[2][0]))

    with pytest.raises(ValidationError) as caught:
        client.record_outcome(answer.id, "aspirin")

    assert caught.value.status == 400
    assert caught.value.errors == {
        "drug": [
            "Drug 'aspirin' is not allowed: use one of DrugY, drugA, drugB, drugC, "
            "drugX."
        ]
    }


def test_an_unknown_or_anothers_prediction_raises_not_found(client, stack):
    bob = DrugsiteClient(stack.url, token=create_tokens(stack, "bob")["bob"])
    theirs = bob.predict(**as_fields(EXAMPLES[3][0]))

    for prediction_id in (10**9, theirs.id):
        with pytest.raises(NotFound) as caught:
            client.record_outcome(prediction_id, "drugA")
        assert str(prediction_id) in str(caught.value)
    assert bob.prediction(theirs.id).recorded_outcome is None


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system
