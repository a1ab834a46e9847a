"""An unreachable database is a 503 with a clear JSON message on every channel."""

from unittest.mock import patch

import pytest
from django.db import OperationalError

pytestmark = pytest.mark.django_db

LEGACY = "/drug?Age=60&Sex=F&BP=LOW&Cholesterol=HIGH&Na_to_K=20"
DOWN = OperationalError("could not connect to server")


@pytest.fixture
def database_down():
    with patch("ml.predictor.PredictorCache._refresh", side_effect=DOWN):
        yield


def test_legacy_answers_503_when_the_database_is_down(client, settings, database_down):
    settings.DRUGSITE_ALLOW_ANONYMOUS = True
    settings.ML_MODEL_REFRESH_SECONDS = 0
    response = client.get(LEGACY)
    assert response.status_code == 503
    assert "database is unavailable" in response.json()["detail"]
    assert response["Retry-After"] == "5"
    assert "recommended_drug" not in response.json()
    assert "could not connect" not in response.content.decode()


def test_api_answers_503_when_the_database_is_down(client, settings, database_down):
    settings.DRUGSITE_ALLOW_ANONYMOUS = True
    settings.ML_MODEL_REFRESH_SECONDS = 0
    patient = {"age": 47, "sex": "F", "bp": "LOW", "cholesterol": "HIGH", "na_to_k": 14}
    response = client.post(
        "/api/v1/predictions/", patient, content_type="application/json"
    )
    assert response.status_code == 503
    assert "database is unavailable" in response.json()["detail"]


def test_form_answers_503_when_the_database_is_down(
    admin_client, settings, database_down
):
    settings.ML_MODEL_REFRESH_SECONDS = 0
    form = {"age": 47, "sex": "F", "bp": "LOW", "cholesterol": "HIGH", "na_to_k": 14}
    response = admin_client.post("/", form)
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/html")
    assert "database is unavailable" in response.content.decode()
