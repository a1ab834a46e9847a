"""Recording the drug prescribed from the form's history, and in admin."""

import pytest
from django.test import Client

from predictions.models import Channel, RecordedOutcome
from predictions.outcome_services import outcome_record

pytestmark = pytest.mark.django_db


def test_each_unrecorded_row_of_the_history_has_a_control_with_the_models_drugs(
    user_client, user, logged, active_model
):
    row = logged(user=user, channel=Channel.FORM)

    html = user_client.get("/").content.decode()

    assert f'action="/predictions/{row.pk}/outcome/"' in html
    for drug in active_model.classes:
        assert f'<option value="{drug}">{drug}</option>' in html


def test_recording_from_the_history_shows_the_drug_in_place_of_the_control(
    user_client, user, logged
):
    row = logged(user=user, channel=Channel.FORM)

    response = user_client.post(f"/predictions/{row.pk}/outcome/", {"drug": "drugX"})

    assert response.status_code == 302
    assert response["Location"] == f"/#prescribed-{row.pk}"
    outcome = RecordedOutcome.objects.get()
    assert (outcome.drug, outcome.source, outcome.username) == (
        "drugX",
        "form",
        "alice",
    )
    html = user_client.get("/").content.decode()
    assert 'prescribed: <strong class="recorded">drugX</strong>' in html
    assert f'action="/predictions/{row.pk}/outcome/"' not in html


@pytest.mark.parametrize(
    ("drug", "status", "message"),
    [
        ("", 400, "Drug &#x27;&#x27; is not allowed: use one of DrugY, drugA"),
        ("drugZ", 400, "Drug &#x27;drugZ&#x27; is not allowed: use one of DrugY"),
    ],
)
def test_a_refused_drug_is_shown_plainly_above_the_history(
    user_client, user, logged, drug, status, message
):
    row = logged(user=user, channel=Channel.FORM)

    response = user_client.post(f"/predictions/{row.pk}/outcome/", {"drug": drug})

    assert response.status_code == status
    assert f'<div class="alert" role="alert" id="outcome-error">{message}' in (
        response.content.decode()
    )
    assert not RecordedOutcome.objects.exists()


def test_a_second_recording_is_409_naming_the_first(user_client, user, logged):
    row = logged(user=user, channel=Channel.FORM)
    outcome_record(prediction_id=row.pk, drug="drugA", user=user, source="api")

    response = user_client.post(f"/predictions/{row.pk}/outcome/", {"drug": "drugB"})

    assert response.status_code == 409
    assert f"already recorded for prediction {row.pk}: drugA, by alice" in (
        response.content.decode()
    )


def test_another_users_row_is_404_on_the_page_too(user_client, other_user, logged):
    theirs = logged(user=other_user, channel=Channel.FORM)

    response = user_client.post(f"/predictions/{theirs.pk}/outcome/", {"drug": "drugX"})

    assert response.status_code == 404
    assert not RecordedOutcome.objects.exists()


def test_a_post_without_the_csrf_token_is_refused(user, logged):
    row = logged(user=user, channel=Channel.FORM)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(f"/predictions/{row.pk}/outcome/", {"drug": "drugX"})

    assert response.status_code == 403
    assert not RecordedOutcome.objects.exists()


def test_a_superuser_records_in_admin_with_source_and_name_filled_in(
    admin_client, admin_user, user, logged
):
    row = logged(user=user)
    page = admin_client.get(f"/admin/predictions/prediction/{row.pk}/change/")
    link = f"/admin/predictions/recordedoutcome/add/?prediction={row.pk}"
    assert link in page.content.decode()
    assert admin_client.get(link).context["form"].initial["prediction"] == str(row.pk)

    response = admin_client.post(link, {"prediction": row.pk, "drug": "drugC"})

    assert response.status_code == 302
    outcome = RecordedOutcome.objects.get()
    assert (outcome.prediction_id, outcome.drug) == (row.pk, "drugC")
    assert (outcome.source, outcome.user, outcome.username) == (
        "admin",
        admin_user,
        "admin",
    )
    page = admin_client.get(f"/admin/predictions/prediction/{row.pk}/change/")
    assert "drugC</a>, recorded by admin" in page.content.decode()


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"prediction": 987654, "drug": "drugC"}, "prediction", "prediction 987654"),
        ({"prediction": 0, "drug": "drugC"}, "prediction", "greater than or equal"),
        ({"drug": "drugC"}, "prediction", "required"),
        ({"prediction": "{row}", "drug": "drugQ"}, "drug", "not one of the available"),
    ],
)
def test_admin_names_what_is_wrong_on_the_form(
    admin_client, user, logged, data, field, message
):
    row = logged(user=user)
    data = {k: str(v).format(row=row.pk) for k, v in data.items()}

    response = admin_client.post("/admin/predictions/recordedoutcome/add/", data)

    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not RecordedOutcome.objects.exists()


def test_admin_shows_a_second_attempt_as_an_error_naming_the_first(
    admin_client, user, logged
):
    row = logged(user=user)
    outcome_record(prediction_id=row.pk, drug="drugA", user=user, source="api")

    response = admin_client.post(
        "/admin/predictions/recordedoutcome/add/",
        {"prediction": row.pk, "drug": "drugB"},
    )

    assert response.status_code == 400
    assert "drugA, by alice" in response.context["form"].non_field_errors()[0]
    assert "drugA, by alice" in response.content.decode()


def test_admin_lists_outcomes_and_searches_by_prediction_id(admin_client, user, logged):
    rows = [logged(user=user) for _ in range(2)]
    for row in rows:
        outcome_record(prediction_id=row.pk, drug="drugX", user=user, source="api")

    listed = admin_client.get("/admin/predictions/recordedoutcome/")
    found = admin_client.get("/admin/predictions/recordedoutcome/", {"q": rows[1].pk})
    nonsense = admin_client.get("/admin/predictions/recordedoutcome/", {"q": "abc"})

    assert listed.context["cl"].result_count == 2
    assert [o.prediction_id for o in found.context["cl"].result_list] == [rows[1].pk]
    assert nonsense.status_code == 200
