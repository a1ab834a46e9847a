"""A batch answered the fast way (columns, numpy) is each record answered alone:
the same answers, the same log rows, each row's hash its own, and the log
verifies from the database."""

import random

import pytest

from ml import features as vocab
from predictions.audit.rowhash import row_hasher
from predictions.audit.verification import audit_log_verify
from predictions.models import AuthMethod, Channel, Prediction
from predictions.origin import Origin
from predictions.output import PredictionSerializer
from predictions.output_request import request_answers
from predictions.serializers import validate_patients
from predictions.services import prediction_create

pytestmark = pytest.mark.django_db

PATIENT = {"age": 47, "sex": "F", "bp": "HIGH", "cholesterol": "HIGH", "na_to_k": 14}
#: What differs between two requests with the same record.
PER_REQUEST = {"id", "request_id", "created_at", "item_index", "latency_us", "row_hash"}


def answered(user, records: list, request_id: str) -> list[Prediction]:
    origin = Origin.of(user=user, auth_method=AuthMethod.TOKEN, request_id=request_id)
    return prediction_create(records=records, channel=Channel.API, origin=origin)


def columns(row: Prediction) -> dict:
    """The row's columns but those of its request."""
    fields = Prediction._meta.concrete_fields
    return {
        f.attname: getattr(row, f.attname)
        for f in fields
        if f.attname not in PER_REQUEST
    }


def test_a_random_batch_is_each_record_answered_alone(user, active_model):
    rng = random.Random(11)
    items = [vocab.random_record(rng).as_fields() for _ in range(150)]
    items += [{**item, "age": rng.choice([0, 120])} for item in items[:10]]  # warned
    records, many = validate_patients(items)
    assert many

    batch = answered(user, records, "batch")
    alone = [
        answered(user, [record], f"alone-{i}")[0] for i, record in enumerate(records)
    ]

    serializer = PredictionSerializer()
    assert [row.item_index for row in batch] == list(range(len(records)))
    for index, (row, single) in enumerate(zip(batch, alone, strict=True)):
        assert columns(row) == columns(single), index
    for answer, single in zip(request_answers(batch), alone, strict=True):
        expected = serializer.to_representation(single)
        assert list(answer) == list(expected)
        for name in ("id", "request_id", "created_at"):
            del answer[name], expected[name]
        assert answer == expected


def test_a_random_batchs_rows_hash_as_each_row_alone_and_verify(user, active_model):
    rng = random.Random(12)
    records = [vocab.random_record(rng) for _ in range(120)]

    rows = answered(user, records, "hashed")

    hasher = row_hasher(Prediction)
    assert [row.row_hash for row in rows] == [hasher.of_row(row) for row in rows]
    stored = Prediction.objects.filter(request_id="hashed").order_by("item_index")
    assert [hasher.of_row(row) for row in stored] == [row.row_hash for row in rows]
    assert audit_log_verify(key=b"a test key, not a secret").unsealed == len(rows)


def test_a_batch_of_odd_size_gets_its_ids_in_row_order(user, active_model):
    rng = random.Random(13)
    records = [vocab.random_record(rng) for _ in range(437)]  # 256 + 128 + ...

    rows = answered(user, records, "odd")

    ids = [row.pk for row in rows]
    assert ids == sorted(set(ids))
    stored = Prediction.objects.filter(request_id="odd").order_by("id")
    assert list(stored.values_list("id", "item_index")) == [
        (row.pk, row.item_index) for row in rows
    ]
    assert all(not row._state.adding and row._state.db == "default" for row in rows)


def test_a_batch_of_one_record_repeated_is_that_record_answered_alone(
    user, active_model
):
    (record,), _ = validate_patients([PATIENT])
    batch = answered(user, [record] * 100, "repeated")
    (single,) = answered(user, [record], "single")

    assert single.boundary is not None  # every row has one: the all-rows path
    assert all(columns(row) == columns(single) for row in batch)
    assert len({id(row.boundary) for row in batch}) == len(batch)  # each its own
