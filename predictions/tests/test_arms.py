"""Each answer records its arm; the candidate answers its share of requests,
chosen from the caller's X-Request-Id so a retry lands on the same version; a
shadow's answers are logged in the same INSERT and never returned by any channel.

The candidate and the shadow here are the contrary model (predictions/tests/
conftest.py), which answers every patient differently from the active one.
"""

import csv
import io
import uuid

import pytest
from django.core.management import call_command

from ml import predictor
from ml.reference import EXAMPLES
from ml.registry import model_version_rollout
from ml.serving import arm_bucket
from predictions.audit.rowhash import row_hasher
from predictions.models import AuthMethod, Channel, Prediction
from predictions.origin import Origin
from predictions.services import prediction_create

pytestmark = pytest.mark.django_db
API = "/api/v1/predictions/"
PATIENT = {"age": 47, "sex": "F", "bp": "LOW", "cholesterol": "HIGH", "na_to_k": 14}
LEGACY = "/drug?Age=47&Sex=F&BP=LOW&Cholesterol=HIGH&Na_to_K=14"


def rollout(row, mode: str, percent: int = 0) -> None:
    model_version_rollout(
        version=row.version, mode=mode, traffic_percent=percent, reason="tests"
    )
    predictor.clear_cache()  # as on_commit would, outside the test's transaction


@pytest.fixture
def inserts(monkeypatch) -> list[int]:
    """The number of rows of each call of the log's INSERT (which still runs)."""
    calls, insert = [], Prediction.objects.insert_many

    def counted(rows):
        calls.append(len(rows))
        return insert(rows)

    monkeypatch.setattr(Prediction.objects, "insert_many", counted)
    return calls


def keys_of(arm: str, percent: int, count: int) -> list[str]:
    """Request ids whose bucket sends them to `arm` at the candidate's share."""
    keys = (f"retry-{i}" for i in range(10_000))
    wanted = (lambda b: b < percent) if arm == "candidate" else (lambda b: b >= percent)
    return [key for key in keys if wanted(arm_bucket(key))][:count]


def test_without_trials_every_answer_is_the_active_arm(user_client, active_model):
    body = user_client.post(API, PATIENT, content_type="application/json").json()
    row = Prediction.objects.get()
    assert (row.arm, row.model_version, row.pk) == ("active", active_model, body["id"])


@pytest.mark.parametrize("arm", ["candidate", "active"])
def test_a_retried_request_id_lands_on_the_same_arm(
    user_client, active_model, contrary, arm
):
    rollout(contrary, "candidate", 30)
    expected = contrary if arm == "candidate" else active_model
    for key in keys_of(arm, 30, 5):
        answers = [
            user_client.post(
                API,
                PATIENT,
                content_type="application/json",
                headers={"X-Request-Id": key},
            ).json()
            for _ in range(3)
        ]
        assert {a["model_version"] for a in answers} == {expected.version}
        assert len({a["drug"] for a in answers}) == 1
    assert set(Prediction.objects.values_list("arm", flat=True)) == {arm}


def test_without_a_correlation_id_the_servers_request_id_chooses(
    active_model, contrary, user
):
    rollout(contrary, "candidate", 50)
    for _ in range(40):
        request_id = uuid.uuid4().hex
        origin = Origin.of(
            user=user, auth_method=AuthMethod.TOKEN, request_id=request_id
        )
        (row,) = prediction_create(
            records=[EXAMPLES[0][0]], channel=Channel.API, origin=origin
        )
        arm = "candidate" if arm_bucket(request_id) < 50 else "active"
        assert row.arm == arm
        assert (
            row.model_version_id
            == (contrary if arm == "candidate" else active_model).pk
        )


def test_a_batch_goes_to_one_arm_as_a_whole(user_client, active_model, contrary):
    rollout(contrary, "candidate", 50)
    for i in range(10):
        answers = user_client.post(
            API,
            [PATIENT] * 20,
            content_type="application/json",
            headers={"X-Request-Id": f"b{i}"},
        ).json()
        assert len({a["model_version"] for a in answers}) == 1
    assert Prediction.objects.values("arm").distinct().count() == 2


def test_shadow_rows_share_the_insert_and_are_never_returned_by_the_api(
    user_client, active_model, contrary, inserts
):
    rollout(contrary, "shadow")
    one = user_client.post(API, PATIENT, content_type="application/json").json()
    batch = user_client.post(API, [PATIENT] * 3, content_type="application/json").json()

    assert inserts == [2, 6]
    assert one["model_version"] == active_model.version
    assert {a["model_version"] for a in batch} == {active_model.version}
    served = Prediction.objects.get(pk=one["id"])
    shadow = Prediction.objects.get(request_id=served.request_id, arm="shadow")
    assert (shadow.model_version, shadow.item_index) == (contrary, 0)
    assert shadow.drug != served.drug == one["drug"]
    assert [
        (r.arm, r.item_index)
        for r in Prediction.objects.filter(request_id=batch[0]["request_id"]).order_by(
            "id"
        )
    ] == [
        ("active", 0),
        ("active", 1),
        ("active", 2),
        ("shadow", 0),
        ("shadow", 1),
        ("shadow", 2),
    ]


def test_the_legacy_endpoint_returns_the_served_answer_only(
    user_client, active_model, contrary
):
    rollout(contrary, "shadow")
    answer = user_client.get(LEGACY).json()
    served, shadow = Prediction.objects.order_by("id")
    assert answer == {"recommended_drug": served.drug}
    assert (served.arm, shadow.arm) == ("active", "shadow")
    assert shadow.drug != served.drug


def test_the_form_shows_the_served_answer_and_never_the_shadow(
    user_client, active_model, contrary
):
    rollout(contrary, "shadow")
    response = user_client.post("/", PATIENT, follow=True)
    served, shadow = Prediction.objects.order_by("id")
    assert response.context["shown"] == served
    assert response.context["recent"] == [served]
    assert user_client.get(f"/?shown={shadow.pk}").status_code == 404


def test_histories_lists_and_details_leave_shadow_rows_out(
    user_client, staff_client, active_model, contrary
):
    rollout(contrary, "shadow")
    user_client.post(API, PATIENT, content_type="application/json")
    served, shadow = Prediction.objects.order_by("id")
    for client in (user_client, staff_client):  # alice, and an auditor
        listed = [r["id"] for r in client.get(API).json()["results"]]
        assert listed == [served.pk]
        assert client.get(f"{API}{shadow.pk}/").status_code == 404
        assert client.get(f"{API}{served.pk}/").status_code == 200


def test_auditors_find_shadow_rows_in_admin_and_their_csv(
    staff_client, user_client, active_model, contrary
):
    rollout(contrary, "shadow")
    user_client.post(API, PATIENT, content_type="application/json")
    served, shadow = Prediction.objects.order_by("id")
    page = staff_client.get("/admin/predictions/prediction/?arm__exact=shadow")
    assert list(page.context["cl"].result_list) == [shadow]

    response = staff_client.post(
        "/admin/predictions/prediction/",
        {"action": "export_csv", "_selected_action": [served.pk, shadow.pk]},
    )
    text = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(text)))
    assert [(r["arm"], r["model_version"]) for r in rows] == [
        ("active", active_model.version),
        ("shadow", contrary.version),
    ]


def test_the_row_hash_covers_the_arm_and_shadow_rows_verify(
    user_client, active_model, contrary, audit_key
):
    rollout(contrary, "shadow")
    user_client.post(API, [PATIENT] * 2, content_type="application/json")
    shadow = Prediction.objects.filter(arm="shadow").first()
    assert row_hasher(Prediction).of_row(shadow) == shadow.row_hash
    shadow.arm = "active"
    assert row_hasher(Prediction).of_row(shadow) != shadow.row_hash

    out = io.StringIO()
    call_command("seal_audit_log", grace=0, stdout=io.StringIO())
    call_command("verify_audit_log", stdout=out)
    assert "The audit log verifies: 4 rows." in out.getvalue()


def test_a_damaged_shadow_is_left_out_and_the_request_answered(
    user_client, active_model, contrary, settings, tamper_file
):
    rollout(contrary, "shadow")
    settings.ML_MODEL_REFRESH_SECONDS = 0
    tamper_file(contrary.path)
    response = user_client.post(API, PATIENT, content_type="application/json")
    assert response.status_code == 201
    assert list(Prediction.objects.values_list("arm", flat=True)) == ["active"]


@pytest.fixture
def tamper_file():
    def flip(path):
        blob = bytearray(path.read_bytes())
        blob[len(blob) // 2] ^= 0xFF
        path.write_bytes(bytes(blob))

    return flip
