"""An answer's meaning (its set, coverage and nearest flips) goes wherever it goes:
the API (single and batch), its schema, the audit row and the auditors' CSV."""

import csv
import io
import json

import pytest
import yaml

from ml.features import PatientRecord
from ml.predictor import get_predictor
from predictions.admin import EXPORT_FIELDS
from predictions.audit.verification import audit_log_verify
from predictions.models import Channel, Outcome, Prediction

NEAR = PatientRecord(47, "F", "LOW", "HIGH", 14.9)
FAR = PatientRecord(47, "F", "LOW", "HIGH", 30.0)
EMPTY = PatientRecord(22, "F", "LOW", "HIGH", 25.0)  # a sure answer, empty set
HIGH_BP = PatientRecord(47, "F", "HIGH", "HIGH", 14.0)  # flips by Age and Na_to_K
RECORDS = [NEAR, FAR, EMPTY, HIGH_BP]
KEYS = ("prediction_set", "coverage", "counterfactual")


def predict(client, body):
    response = client.post(
        "/api/v1/predictions/", body, content_type="application/json"
    )
    assert response.status_code == 201, response.content
    return response.json()


def meaning(result) -> dict:
    """What the predictor said, as the API and the row must carry it."""
    return {
        "prediction_set": list(result.prediction_set),
        "coverage": result.coverage,
        "counterfactual": list(result.counterfactual),
    }


@pytest.mark.parametrize("record", RECORDS)
def test_the_api_answer_carries_the_set_the_coverage_and_the_flips(
    record, user_client, active_model
):
    body = predict(user_client, record.as_fields())

    (result,) = get_predictor().predict([record])
    assert {key: body[key] for key in KEYS} == meaning(result)
    row = Prediction.objects.get(pk=body["id"])
    assert {key: getattr(row, key) for key in KEYS} == meaning(result)


def test_the_answer_near_the_boundary_says_which_drugs_remain(
    user_client, active_model
):
    near, far = (predict(user_client, r.as_fields()) for r in (NEAR, FAR))

    assert near["probability"] < far["probability"] == 1.0
    assert near["prediction_set"] == ["DrugY", "drugC"]
    assert far["prediction_set"] == ["DrugY"]
    assert near["coverage"] == 0.95
    assert near["counterfactual"] == [
        None,
        {
            "feature": "Na_to_K",
            "direction": "below",
            "value": 14.81,
            "drug": "drugC",
            "text": "Na_to_K ≤ 14.81 → drugC",
        },
    ]


def test_a_batch_answers_each_patient_as_a_single_request_would(
    user_client, active_model
):
    patients = RECORDS * 5  # more than 16: the batch path, with numpy
    singles = [predict(user_client, r.as_fields()) for r in RECORDS]

    batch = predict(user_client, [r.as_fields() for r in patients])

    assert len(batch) == len(patients)
    for index, answer in enumerate(batch):
        single = singles[index % len(RECORDS)]
        assert {k: answer[k] for k in KEYS} == {k: single[k] for k in KEYS}


def test_the_legacy_and_form_channels_log_the_same_meaning(
    user_client, ask, active_model
):
    ask(user_client, Channel.LEGACY, NEAR)
    ask(user_client, Channel.FORM, NEAR)

    rows = Prediction.objects.filter(outcome=Outcome.ANSWERED)
    (result,) = get_predictor().predict([NEAR])
    assert rows.count() == 2
    for row in rows:
        assert {key: getattr(row, key) for key in KEYS} == meaning(result)


def test_the_schema_documents_the_new_keys_with_their_shapes(client, active_model):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    schemas = yaml.safe_load(response.content)["components"]["schemas"]
    answer = schemas["Prediction"]["properties"]

    assert answer["prediction_set"]["type"] == "array"
    assert answer["prediction_set"]["items"]["type"] == "string"
    assert answer["coverage"]["type"] == "number"
    assert answer["coverage"]["nullable"] is True
    assert answer["counterfactual"]["type"] == "array"
    flip = json.dumps(answer["counterfactual"]["items"])
    assert "Counterfactual" in flip
    assert '"nullable": true' in flip
    documented = schemas["Counterfactual"]["properties"]
    assert set(documented) == {"feature", "direction", "value", "drug", "text"}


def test_a_rejected_request_records_no_set_and_no_flips(user_client, active_model):
    user_client.post(
        "/api/v1/predictions/", {"age": "old"}, content_type="application/json"
    )

    row = Prediction.objects.get()
    assert row.outcome == Outcome.REJECTED
    assert (row.prediction_set, row.coverage, row.counterfactual) == (None, None, None)


def test_the_csv_export_holds_what_the_clinician_saw(
    admin_client, user_client, active_model
):
    body = predict(user_client, NEAR.as_fields())

    response = admin_client.post(
        "/admin/predictions/prediction/",
        {"action": "export_csv", "_selected_action": [body["id"]]},
    )

    content = getattr(response, "streaming_content", None)
    text = b"".join(content).decode() if content else response.content.decode()
    header, line = list(csv.reader(io.StringIO(text)))
    assert set(KEYS) <= set(header) == set(EXPORT_FIELDS)
    cells = dict(zip(header, line, strict=True))
    assert json.loads(cells["prediction_set"]) == ["DrugY", "drugC"]
    assert float(cells["coverage"]) == 0.95
    assert json.loads(cells["counterfactual"]) == body["counterfactual"]
    assert "Na_to_K ≤ 14.81 → drugC" in cells["counterfactual"]  # readable


def test_rows_with_a_set_and_flips_verify_against_their_row_hash(
    user_client, active_model
):
    batch = predict(user_client, [r.as_fields() for r in RECORDS * 5])
    single = predict(user_client, NEAR.as_fields())

    report = audit_log_verify(key=b"a test key, not a secret")

    assert report.rows == len(batch) + 1
    assert Prediction.objects.get(pk=single["id"]).row_hash
