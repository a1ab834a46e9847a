"""predictions.output: the answer documented once; schema and wire agree."""

import pytest
import yaml

from ml import features as vocab
from ml.reference import TUTORIAL_DEFAULT
from predictions.output import OUTPUT, PredictionSerializer

pytestmark = pytest.mark.django_db


@pytest.fixture
def documented(client) -> dict:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    return yaml.safe_load(response.content)["components"]["schemas"]


def test_documented_fields_and_sent_keys_are_the_same_set(
    documented, user_client, active_model
):
    response = user_client.post(
        "/api/v1/predictions/",
        TUTORIAL_DEFAULT.as_fields(),
        content_type="application/json",
    )
    sent = response.json()
    assert set(documented["Prediction"]["properties"]) == set(sent) == set(OUTPUT)


def test_documented_input_lists_every_feature_of_the_vocabulary(documented):
    assert set(documented["Patient"]["properties"]) == set(vocab.FIELDS)


def test_the_answer_echoes_the_input_under_the_vocabulary_field_names(logged):
    row = logged(record=TUTORIAL_DEFAULT)
    body = PredictionSerializer().to_representation(row)
    assert body["input"] == TUTORIAL_DEFAULT.as_fields()
    assert body["drug"] == "drugC"
    assert body["probability"] == body["probabilities"]["drugC"]


def test_a_batch_shares_one_formatted_time_per_serializer(logged):
    first, second = logged(), logged()
    serializer = PredictionSerializer()
    stamps = [serializer.to_representation(r)["created_at"] for r in (first, second)]
    assert all(stamp.endswith("Z") for stamp in stamps)
    assert stamps[0] <= stamps[1]
