"""Django's own request limits answered in JSON, with a row, on the API's paths."""

import pytest
from django.test import Client

from predictions.models import Channel, Outcome, Prediction

pytestmark = pytest.mark.django_db

TOO_MANY = "&".join(f"x{i}=1" for i in range(1001))


def test_too_many_query_parameters_on_drug_is_a_json_400_and_a_row(
    user_client, active_model
):
    response = user_client.get("/drug?" + TOO_MANY)

    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "DATA_UPLOAD_MAX_NUMBER_FIELDS" in response.json()["detail"]
    row = Prediction.objects.get()
    assert (row.outcome, row.channel) == (Outcome.REJECTED, Channel.LEGACY)
    assert row.errors["code"] == "too_many_fields"
    assert row.raw_input["truncated"].startswith('"x0=1&x1=1')


def test_a_body_django_refuses_as_too_big_on_the_api_is_a_json_413_and_a_row(
    user, settings
):
    # A signed-in session's CSRF check reads the form body through DRF's
    # default parsers, which ask Django for all of it.
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    browser.cookies["csrftoken"] = "a" * 32  # so the check goes on to the body
    body = "a=" + "x" * settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    response = browser.post(
        "/api/v1/auth/tokens/",
        body,
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "DATA_UPLOAD_MAX_MEMORY_SIZE" in response.json()["detail"]
    row = Prediction.objects.get()
    assert (row.outcome, row.channel) == (Outcome.REJECTED, Channel.API)
    assert row.raw_input["truncated"].startswith('"a=xxx')


def test_pages_for_people_keep_djangos_own_answer(client):
    response = client.get("/accounts/login/?" + TOO_MANY)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert not Prediction.objects.exists()
