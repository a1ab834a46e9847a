"""The staff prescription form at /, and the login and logout pages around it."""

from dataclasses import asdict

import pytest
from django.test import Client
from django.utils.html import escape

from ml.reference import TUTORIAL_DEFAULT
from predictions.models import Channel, Outcome, Prediction
from predictions.notices import INTENDED_USE


@pytest.mark.django_db
def test_the_form_sends_anonymous_visitors_to_the_login_page(client):
    response = client.get("/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/?next=/"


def test_the_form_shows_the_tutorial_defaults_and_the_intended_use(
    user_client, active_model
):
    response = user_client.get("/")

    assert response.status_code == 200
    assert response.context["form"].initial == TUTORIAL_DEFAULT.as_fields()
    html = response.content.decode()
    assert 'name="age" value="47"' in html
    assert '<option value="LOW" selected>' in html
    assert escape(INTENDED_USE) in html
    assert response.context["shown"] is None


def test_a_valid_post_redirects_to_the_answer_with_its_details(
    user_client, record, active_model
):
    response = user_client.post("/", asdict(record))

    row = Prediction.objects.get()
    assert response.status_code == 302
    assert response.url == f"/?shown={row.pk}"
    page = user_client.get(response.url)
    assert page.status_code == 200
    assert page.context["shown"] == row
    html = page.content.decode()
    assert f'<span class="drug">{row.drug}</span>' in html
    for drug, probability in row.probabilities.items():
        assert f'<span class="label">{drug}</span>' in html
        assert f'<span class="pct">{round(probability * 100)}%</span>' in html
    for reason in row.explanation:
        assert f"<li>{escape(reason)}</li>" in html
    assert f"Model {active_model.version}" in html


def test_the_form_accepts_any_case_of_category_values(user_client, active_model):
    data = {"age": 47, "sex": "f", "bp": "low", "cholesterol": "high", "na_to_k": 14}

    response = user_client.post("/", data)

    assert response.status_code == 302
    row = Prediction.objects.get()
    assert (row.sex, row.bp, row.cholesterol) == ("F", "LOW", "HIGH")


def test_invalid_values_rerender_the_form_with_inline_errors(
    user_client, user, record, active_model
):
    data = asdict(record) | {"age": "abc", "bp": "X"}

    response = user_client.post("/", data)

    assert response.status_code == 400
    assert sorted(response.context["form"].errors) == ["age", "bp"]
    html = response.content.decode()
    assert '<p class="error" id="id_age_error">' in html
    assert '<p class="error" id="id_bp_error">' in html
    assert escape("one of HIGH, LOW, NORMAL") in html
    assert not Prediction.objects.filter(outcome=Outcome.ANSWERED).exists()
    rejected = Prediction.objects.get()
    assert rejected.outcome == Outcome.REJECTED
    assert rejected.channel == Channel.FORM
    assert rejected.user == user
    assert rejected.request_id == response["X-Request-Id"]
    assert sorted(rejected.errors) == ["age", "bp"]
    assert "csrfmiddlewaretoken" not in rejected.raw_input


def test_the_form_reports_a_missing_model_with_503(user_client, record, no_model):
    response = user_client.post("/", asdict(record))

    assert response.status_code == 503
    assert "No usable model is available right now" in response.content.decode()
    assert not Prediction.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(user, record, active_model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post("/", asdict(record))

    assert response.status_code == 403
    assert not Prediction.objects.exists()


def test_a_post_with_the_csrf_token_is_accepted(user, record, active_model):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    token = client.get("/").context["csrf_token"]

    response = client.post("/", asdict(record) | {"csrfmiddlewaretoken": token})

    assert response.status_code == 302
    assert Prediction.objects.count() == 1


def test_my_recent_predictions_lists_only_my_own_rows(
    user_client, user, other_user, logged
):
    mine = logged(user=user, channel=Channel.FORM)
    theirs = logged(user=other_user, channel=Channel.FORM)

    response = user_client.get("/")

    assert response.context["recent"] == [mine]
    html = response.content.decode()
    assert f'href="?shown={mine.pk}"' in html
    assert f'href="?shown={theirs.pk}"' not in html


def test_another_users_answer_is_not_found(user_client, other_user, logged):
    theirs = logged(user=other_user, channel=Channel.FORM)

    assert user_client.get("/", {"shown": theirs.pk}).status_code == 404


def test_an_unknown_answer_is_not_found(user_client, active_model):
    assert user_client.get("/", {"shown": "999999999"}).status_code == 404


@pytest.mark.parametrize("shown", ["abc", "-1", "", "²"])
def test_a_shown_value_that_is_not_an_id_is_ignored(shown, user_client, active_model):
    response = user_client.get("/", {"shown": shown})

    assert response.status_code == 200
    assert response.context["shown"] is None


@pytest.mark.django_db
def test_the_login_page_uses_the_site_stylesheet(client):
    response = client.get("/accounts/login/")

    assert response.status_code == 200
    assert '<link rel="stylesheet" href="/static/css/site.css">' in (
        response.content.decode()
    )


def test_logout_by_post_ends_the_session(user_client):
    response = user_client.post("/accounts/logout/")

    assert response.status_code == 302
    assert response.url == "/accounts/login/"
    assert user_client.get("/").status_code == 302
