"""Who may predict: signed-in callers, and anyone when anonymous use is switched on."""

from dataclasses import asdict

import pytest

from predictions.models import Channel, Prediction

API = "/api/v1/predictions/"


def test_api_post_works_without_credentials_when_anonymous_is_allowed(
    client, record, active_model, anonymous_allowed
):
    response = client.post(API, asdict(record), content_type="application/json")

    assert response.status_code == 201
    assert response.json()["user"] is None
    row = Prediction.objects.get()
    assert row.user is None
    assert row.channel == Channel.API


def test_api_post_refuses_anonymous_callers_by_default(client, record, active_model):
    response = client.post(API, asdict(record), content_type="application/json")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert "drug" not in response.json()
    assert not Prediction.objects.exists()


def test_bad_input_from_refused_anonymous_callers_is_not_logged(client, active_model):
    response = client.post(API, {"age": "abc"}, content_type="application/json")

    assert response.status_code == 401
    assert not Prediction.objects.exists()


def test_rejected_anonymous_input_is_logged_without_a_user(
    client, active_model, anonymous_allowed
):
    response = client.post(API, {"age": "abc"}, content_type="application/json")

    assert response.status_code == 400
    row = Prediction.objects.get()
    assert row.outcome == "rejected"
    assert row.user is None


@pytest.mark.parametrize("allowed", [False, True])
def test_the_log_stays_private_to_anonymous_callers(allowed, client, settings, logged):
    settings.DRUGSITE_ALLOW_ANONYMOUS = allowed
    row = logged()

    assert client.get(API).status_code == 401
    assert client.get(f"{API}{row.pk}/").status_code == 401
