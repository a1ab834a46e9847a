"""The tutorial's GET /drug, kept working for programs written against it."""

import pytest

from predictions.models import Channel, Outcome, Prediction

TUTORIAL_QUERY = {
    "Age": "60",
    "Sex": "F",
    "BP": "LOW",
    "Cholesterol": "HIGH",
    "Na_to_K": "20",
}


def test_legacy_drug_endpoint_answers_the_tutorials_json(user_client, active_model):
    response = user_client.get("/drug", TUTORIAL_QUERY)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"recommended_drug": "DrugY"}


def test_legacy_drug_endpoint_accepts_any_case_of_category_values(
    user_client, active_model
):
    query = TUTORIAL_QUERY | {"Sex": "f", "BP": "low", "Cholesterol": "High"}

    response = user_client.get("/drug", query)

    assert response.json() == {"recommended_drug": "DrugY"}
    row = Prediction.objects.get()
    assert (row.sex, row.bp, row.cholesterol) == ("F", "LOW", "HIGH")


def test_legacy_drug_endpoint_works_without_credentials_when_anonymous_is_allowed(
    client, active_model, anonymous_allowed
):
    response = client.get("/drug", TUTORIAL_QUERY)

    assert response.status_code == 200
    assert response.json() == {"recommended_drug": "DrugY"}
    row = Prediction.objects.get()
    assert row.user is None
    assert row.channel == Channel.LEGACY


def test_legacy_drug_endpoint_refuses_anonymous_callers_by_default(
    client, active_model
):
    response = client.get("/drug", TUTORIAL_QUERY)

    assert response.status_code == 401
    assert "recommended_drug" not in response.json()
    assert not Prediction.objects.exists()


@pytest.mark.parametrize(
    ("change", "named"),
    [
        pytest.param({"Age": "abc"}, "Age", id="age-not-a-number"),
        pytest.param({"Na_to_K": None}, "Na_to_K", id="na-to-k-missing"),
        pytest.param({"BP": "X"}, "BP", id="bp-unknown"),
    ],
)
def test_legacy_drug_endpoint_rejects_bad_parameters_by_name(
    change, named, user_client, user, active_model
):
    query = {k: v for k, v in (TUTORIAL_QUERY | change).items() if v is not None}

    response = user_client.get("/drug", query)

    assert response.status_code == 400
    body = response.json()
    assert list(body) == [named]
    assert named in body[named][0]
    assert not Prediction.objects.filter(outcome=Outcome.ANSWERED).exists()
    rejected = Prediction.objects.get(outcome=Outcome.REJECTED)
    assert rejected.channel == Channel.LEGACY
    assert rejected.user == user
    assert rejected.request_id == response["X-Request-Id"]
    assert list(rejected.errors) == [named]
    assert rejected.raw_input == query


def test_a_session_alone_writes_no_row_in_the_clinicians_name(
    client, user, active_model
):
    client.force_login(user)  # a link on another site, followed in their browser

    response = client.get("/drug", TUTORIAL_QUERY)

    assert response.status_code == 401
    assert not Prediction.objects.exists()


def test_a_session_alone_is_anonymous_when_anonymous_use_is_on(
    client, user, active_model, anonymous_allowed
):
    client.force_login(user)

    response = client.get("/drug", TUTORIAL_QUERY)

    assert response.status_code == 200
    row = Prediction.objects.get()
    assert row.user is None
    assert not Prediction.objects.filter(user=user).exists()


def test_a_token_writes_the_row_in_its_owners_name(user_client, user, active_model):
    response = user_client.get("/drug", TUTORIAL_QUERY)

    assert response.status_code == 200
    assert Prediction.objects.get().user == user
