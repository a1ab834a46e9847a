"""predictions.outcome_services and the outcome API: the drug prescribed, once per
prediction, named errors, and the log row left as it was."""

import pytest
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext

from predictions.audit.rowhash import row_hashes_set
from predictions.models import Arm, AuthMethod, Channel, Prediction, RecordedOutcome
from predictions.origin import Origin
from predictions.outcome_services import (
    DrugNotAllowed,
    OutcomeExists,
    PredictionNotFound,
    outcome_record,
)
from predictions.services import prediction_reject

pytestmark = pytest.mark.django_db
ALLOWED = "use one of DrugY, drugA, drugB, drugC, drugX."


def outcome_url(pk) -> str:
    return f"/api/v1/predictions/{pk}/outcome/"


def post(client, pk, body):
    return client.post(outcome_url(pk), body, content_type="application/json")


def test_a_prescriber_records_the_drug_prescribed_for_their_prediction(
    user_client, user, logged
):
    row = logged(user=user)

    response = post(user_client, row.pk, {"drug": "drugX"})

    assert response.status_code == 201
    body = response.json()
    assert body == {
        "prediction": row.pk,
        "drug": "drugX",
        "recorded_at": body["recorded_at"],
        "user": "alice",
        "source": "api",
    }
    assert body["recorded_at"].endswith("Z")
    outcome = RecordedOutcome.objects.get()
    assert (outcome.prediction_id, outcome.user, outcome.username) == (
        row.pk,
        user,
        "alice",
    )
    assert user_client.get(outcome_url(row.pk)).json() == body


def test_the_drug_is_matched_without_regard_to_case_and_kept_as_the_model_spells_it(
    user_client, user, logged
):
    row = logged(user=user)

    assert post(user_client, row.pk, {"drug": "DRUGY"}).json()["drug"] == "DrugY"


def test_a_second_attempt_is_409_naming_the_first_outcome(
    user_client, user, logged, django_user_model
):
    row = logged(user=user)
    first = post(user_client, row.pk, {"drug": "drugA"}).json()

    response = post(user_client, row.pk, {"drug": "drugB"})

    assert response.status_code == 409
    body = response.json()
    assert body["outcome"] == first
    assert body["detail"] == (
        f"An outcome is already recorded for prediction {row.pk}: drugA, by alice "
        f"at {first['recorded_at']}."
    )
    assert RecordedOutcome.objects.get().drug == "drugA"


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"drug": "drugZ"}, "'drugZ'"),
        ({"drug": ""}, "''"),
        ({"drug": 3}, "3"),
        ({}, "None"),
        ([{"drug": "drugX"}], "None"),
    ],
)
def test_an_unknown_or_missing_drug_is_400_naming_drug_and_the_allowed_values(
    user_client, user, logged, body, named
):
    row = logged(user=user)

    response = post(user_client, row.pk, body)

    assert response.status_code == 400
    assert response.json() == {"drug": [f"Drug {named} is not allowed: {ALLOWED}"]}
    assert not RecordedOutcome.objects.exists()


def test_the_allowed_drugs_are_the_classes_of_the_model_that_answered(
    user, logged, active_model
):
    row = logged(user=user)
    type(active_model).objects.filter(pk=active_model.pk).update(
        classes=["drugA", "drugB"]
    )

    with pytest.raises(DrugNotAllowed, match=r"use one of drugA, drugB\.$"):
        outcome_record(prediction_id=row.pk, drug="drugX", user=user, source="api")


@pytest.mark.parametrize("pk", [987654, 2**63, 10**30], ids=["unknown", "2^63", "huge"])
def test_an_unknown_id_is_404_naming_it(user_client, active_model, pk):
    response = post(user_client, pk, {"drug": "drugX"})

    assert response.status_code == 404
    assert str(pk) in response.json()["detail"]
    assert str(pk) in user_client.get(outcome_url(pk)).json()["detail"]


def test_another_users_prediction_is_404_as_if_it_did_not_exist(
    user_client, other_user, logged
):
    theirs = logged(user=other_user)

    response = post(user_client, theirs.pk, {"drug": "drugX"})

    assert response.status_code == 404
    assert response.json()["detail"] == (
        f"No answered prediction {theirs.pk} that this account may record an "
        "outcome for."
    )
    assert not RecordedOutcome.objects.exists()


def test_another_users_outcome_is_not_shown_but_an_auditor_reads_it(
    user_client, other_user, staff_client, logged
):
    theirs = logged(user=other_user)
    outcome_record(prediction_id=theirs.pk, drug="drugC", user=other_user, source="api")

    assert user_client.get(outcome_url(theirs.pk)).status_code == 404
    assert staff_client.get(outcome_url(theirs.pk)).json()["drug"] == "drugC"


def test_a_prediction_without_an_outcome_reads_404(user_client, user, logged):
    row = logged(user=user)

    response = user_client.get(outcome_url(row.pk))

    assert response.status_code == 404
    assert f"No outcome recorded for prediction {row.pk}" in response.json()["detail"]


def test_a_superuser_records_for_anyones_prediction(admin_user, user, logged):
    row = logged(user=user)

    outcome = outcome_record(
        prediction_id=row.pk, drug="drugY", user=admin_user, source="admin"
    )

    assert (outcome.drug, outcome.username, outcome.source) == (
        "DrugY",
        "admin",
        "admin",
    )


def test_a_rejected_request_has_no_outcome_to_record(admin_user, active_model):
    rejected = prediction_reject(
        data={"age": "x"},
        errors={"age": ["A number."]},
        channel=Channel.API,
        origin=Origin.of(user=None, auth_method=AuthMethod.ANONYMOUS, request_id="r"),
    )

    with pytest.raises(PredictionNotFound):
        outcome_record(
            prediction_id=rejected.pk, drug="drugX", user=admin_user, source="api"
        )


def test_a_shadows_answer_is_never_recorded_against(admin_user, user, logged):
    served = logged(user=user)
    shadow = Prediction.new(
        user=user,
        model_version=served.model_version,
        **{
            f.attname: getattr(served, f.attname)
            for f in Prediction._meta.concrete_fields
            if f.attname not in ("id", "user_id", "model_version_id", "arm")
        },
        arm=Arm.SHADOW,
    )
    row_hashes_set([shadow])
    Prediction.objects.insert_many([shadow])

    with pytest.raises(PredictionNotFound):
        outcome_record(
            prediction_id=shadow.pk, drug="drugX", user=admin_user, source="api"
        )


def test_the_constraint_decides_even_when_no_check_came_first(user, logged):
    row = logged(user=user)
    RecordedOutcome.objects.create(
        prediction=row, drug="drugA", source="admin", username="earlier"
    )

    with pytest.raises(OutcomeExists) as caught:
        outcome_record(prediction_id=row.pk, drug="drugB", user=user, source="api")

    assert caught.value.first.username == "earlier"
    assert caught.value.status == 409


def test_recording_leaves_the_log_row_as_it_was(user_client, user, logged):
    row = logged(user=user)
    before = Prediction.objects.filter(pk=row.pk).values().get()

    post(user_client, row.pk, {"drug": "drugX"})

    assert Prediction.objects.filter(pk=row.pk).values().get() == before


def test_the_database_refuses_to_change_or_delete_an_outcome(user, logged):
    row = logged(user=user)
    outcome = outcome_record(
        prediction_id=row.pk, drug="drugX", user=user, source="api"
    )
    table = RecordedOutcome._meta.db_table

    with pytest.raises(IntegrityError, match="UPDATE refused"), transaction.atomic():
        RecordedOutcome.objects.filter(pk=outcome.pk).update(drug="drugA")
    with (
        pytest.raises(IntegrityError, match="DELETE refused"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute(f"DELETE FROM {table}")

    assert RecordedOutcome.objects.get().drug == "drugX"


def test_the_prediction_api_shows_the_recorded_outcome(user_client, user, logged):
    recorded, pending = logged(user=user), logged(user=user)
    post(user_client, recorded.pk, {"drug": "drugX"})

    detail = user_client.get(f"/api/v1/predictions/{recorded.pk}/").json()
    listed = {
        row["id"]: row["recorded_outcome"]
        for row in user_client.get("/api/v1/predictions/").json()["results"]
    }

    assert detail["recorded_outcome"]["drug"] == "drugX"
    assert detail["recorded_outcome"]["user"] == "alice"
    assert listed == {recorded.pk: detail["recorded_outcome"], pending.pk: None}


def queries_of(call) -> tuple[int, object]:
    """How many queries `call` sent, and what it returned."""
    with CaptureQueriesContext(connection) as queries:
        result = call()
    return len(queries), result


def test_listing_the_log_reads_outcomes_in_the_same_query(user_client, user, logged):
    def record(count):
        for _ in range(count):
            row = logged(user=user)
            outcome_record(prediction_id=row.pk, drug="drugX", user=user, source="api")
        return queries_of(lambda: user_client.get("/api/v1/predictions/").json())

    record(1)  # the session and permissions, read once
    three, _ = record(2)
    six, body = record(3)

    assert six == three
    assert [row["recorded_outcome"]["drug"] for row in body["results"]] == ["drugX"] * 6


def test_a_new_answer_says_no_outcome_without_asking_the_database(
    user_client, active_model
):
    patient = {"age": 47, "sex": "F", "bp": "LOW", "cholesterol": "HIGH", "na_to_k": 14}

    def ask(size):
        return queries_of(
            lambda: user_client.post(
                "/api/v1/predictions/",
                [patient] * size,
                content_type="application/json",
            ).json()
        )

    ask(1)  # the model, the session and permissions, read once
    one, _ = ask(1)
    fifty, answers = ask(50)

    assert fifty == one
    assert [answer["recorded_outcome"] for answer in answers] == [None] * 50
