"""The JSON API: POST one patient or a batch, read the log, describe the model."""

from dataclasses import asdict

import pytest

from ml import features as vocab
from ml.reference import EXAMPLES
from predictions.models import Channel, Prediction
from predictions.tokens import token_create

API = "/api/v1/predictions/"


def post(client, body, **extra):
    return client.post(API, body, content_type="application/json", **extra)


def test_api_post_answers_one_patient_as_logged(user_client, record, active_model):
    response = post(user_client, asdict(record))

    assert response.status_code == 201
    body = response.json()
    row = Prediction.objects.get()
    assert body["id"] == row.pk
    assert body["request_id"] == row.request_id == response["X-Request-Id"]
    assert body["channel"] == "api"
    assert body["user"] == "alice"
    assert body["input"] == asdict(record)
    assert body["drug"] == row.drug == "drugC"
    assert body["probability"] == row.probabilities["drugC"]
    assert body["probabilities"] == row.probabilities
    assert body["explanation"] == row.explanation
    assert body["warnings"] == row.warnings
    assert body["model_version"] == active_model.version


@pytest.mark.parametrize("copies", [1, 5], ids=["4-records", "20-records"])
def test_api_batch_answers_in_order_and_logs_one_row_per_record(
    copies, user_client, active_model
):
    batch = [asdict(record) for record, _ in EXAMPLES] * copies
    expected = [drug for _, drug in EXAMPLES] * copies

    response = post(user_client, batch)

    assert response.status_code == 201
    body = response.json()
    assert [item["drug"] for item in body] == expected
    assert [item["input"] for item in body] == batch
    rows = list(Prediction.objects.order_by("item_index"))
    assert [row.item_index for row in rows] == list(range(len(batch)))
    assert {row.request_id for row in rows} == {response["X-Request-Id"]}
    assert [row.pk for row in rows] == [item["id"] for item in body]
    assert [row.drug for row in rows] == expected


def test_api_list_is_paginated_newest_first(user_client, user, logged):
    rows = [logged(user=user) for _ in range(3)]

    response = user_client.get(API)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3
    assert {"next", "previous"} <= set(body)
    assert [item["id"] for item in body["results"]] == [r.pk for r in rows[::-1]]


def test_api_detail_shows_one_logged_prediction(user_client, user, logged):
    row = logged(user=user, channel=Channel.LEGACY)

    response = user_client.get(f"{API}{row.pk}/")

    assert response.status_code == 200
    assert response.json()["id"] == row.pk
    assert response.json()["channel"] == "legacy"


def test_token_authentication_works(client, user, record, active_model):
    _, key = token_create(user=user)
    auth = {"Authorization": f"Token {key}"}

    created = post(client, asdict(record), headers=auth)
    listed = client.get(API, headers=auth)

    assert created.status_code == 201
    assert Prediction.objects.get().user == user
    assert listed.status_code == 200
    assert listed.json()["count"] == 1


def test_a_wrong_token_is_refused(client, user, record, active_model):
    token_create(user=user)

    response = post(
        client, asdict(record), headers={"Authorization": "Token not-a-real-key"}
    )

    assert response.status_code == 401
    assert not Prediction.objects.exists()


def test_session_authentication_works(client, user, record, active_model):
    client.force_login(user)

    created = post(client, asdict(record))
    listed = client.get(API)

    assert created.status_code == 201
    assert Prediction.objects.get().user == user
    assert listed.json()["count"] == 1


def test_model_endpoint_describes_the_active_model(user_client, active_model):
    response = user_client.get("/api/v1/model/")

    assert response.status_code == 200
    body = response.json()
    assert body["version"] == active_model.version
    assert body["classes"] == active_model.classes
    assert sorted(body["classes"]) == sorted(vocab.LABELS)
    assert body["metrics"] == active_model.metrics
    assert body["intended_use"]
    features = {feature["name"]: feature for feature in body["features"]}
    assert list(features) == list(vocab.FEATURES)
    assert features["BP"]["allowed"] == ["HIGH", "LOW", "NORMAL"]
    assert features["Sex"]["allowed"] == list(vocab.CATEGORIES["Sex"])
    assert features["Cholesterol"]["allowed"] == list(vocab.CATEGORIES["Cholesterol"])
    assert features["Age"]["allowed_range"] == [0, 120]
    assert features["Age"]["kind"] == "integer"
    assert features["Na_to_K"]["allowed_range"] == list(vocab.RANGES["Na_to_K"])
    assert features["Na_to_K"]["field"] == "na_to_k"


def test_model_endpoint_answers_503_without_a_model(user_client, no_model):
    response = user_client.get("/api/v1/model/")

    assert response.status_code == 503
    assert "No usable model" in response.json()["detail"]


@pytest.mark.django_db
def test_model_endpoint_refuses_anonymous_callers(client):
    assert client.get("/api/v1/model/").status_code == 401
