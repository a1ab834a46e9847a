"""A batch's rows and answers made once per request are each record's: rows
share what the predictor shares, and the answers are the serializer's."""

import random

import pytest

from ml import features as vocab
from ml.predictor import get_predictor
from predictions.answered import answer_rows
from predictions.models import AuthMethod, Channel, Prediction
from predictions.origin import Origin
from predictions.output import PredictionSerializer
from predictions.output_request import request_answers
from predictions.services import prediction_create

pytestmark = pytest.mark.django_db


def records(count: int) -> list[vocab.PatientRecord]:
    rng = random.Random(count)
    return [vocab.random_record(rng) for _ in range(count)]


@pytest.mark.parametrize("count", [1, 2, 40])
def test_a_requests_answers_are_each_rows_answer_in_order(user, active_model, count):
    rows = prediction_create(
        records=records(count),
        channel=Channel.API,
        origin=Origin.of(user=user, auth_method=AuthMethod.TOKEN, request_id="r-1"),
    )
    serializer = PredictionSerializer()
    expected = [list(serializer.to_representation(row).items()) for row in rows]

    assert [list(answer.items()) for answer in request_answers(rows)] == expected


def test_rows_hold_each_records_answer_as_new_rows_did(user, active_model):
    batch = records(60)
    predictor = get_predictor()
    rows, _ = answer_rows(predictor, batch, "active", Channel.API, None, {"user": user})
    for row, record, result in zip(rows, batch, predictor.predict(batch), strict=True):
        assert [getattr(row, field) for field in vocab.FIELDS] == list(record.as_row())
        assert row.warnings == list(result.warnings)
        assert row.prediction_set == list(result.prediction_set)
        assert row.counterfactual == list(result.counterfactual)
        assert row.explanation == list(result.explanation)
        assert row.boundary == (result.boundary and result.boundary._asdict())
        assert row.near_boundary is result.near_boundary
        assert type(row.warnings) is list
        assert type(row.counterfactual) is list
        assert row.user == user


def test_rows_with_one_answer_share_its_lists(user, active_model):
    rows, _ = answer_rows(
        get_predictor(), records(60), "active", Channel.API, None, {"user": user}
    )
    no_warnings = [row.warnings for row in rows if not row.warnings]
    assert len(no_warnings) > 1
    assert len({id(warnings) for warnings in no_warnings}) == 1
    assert len({id(row) for row in rows}) == len({id(row.__dict__) for row in rows})


def test_a_new_row_knows_its_relations_without_a_query(
    user, active_model, django_assert_num_queries
):
    (row,) = Prediction.new_rows(
        user=user, model_version=active_model, common={"drug": "drugX"}
    )
    with django_assert_num_queries(0):
        assert row.user == user
        assert row.model_version == active_model
        assert not hasattr(row, "recorded_outcome")
