"""A batch's records checked at once (``quick_record``) are the records, and the
errors, that ml.validation gives record by record."""

import random

import pytest
from rest_framework import serializers

from ml import features as vocab
from predictions.serializers import PatientSerializer, quick_record, validate_patients

PATIENT = {"age": 47, "sex": "F", "bp": "HIGH", "cholesterol": "HIGH", "na_to_k": 14}


def checked_alone(item):
    """What validating one record gives: its record, or its errors."""
    try:
        return repr(PatientSerializer().to_internal_value(item))
    except serializers.ValidationError as exc:
        return exc.detail


def random_item(rng: random.Random) -> dict:
    item = {
        "age": rng.choice([rng.randint(0, 120), 47.0, 47.5, "47", True, -1, 121]),
        "sex": rng.choice(["F", "M", "f", " M", "X", "", None, 1]),
        "bp": rng.choice(vocab.CATEGORIES["BP"] + ("high", "HIGH ")),
        "cholesterol": rng.choice(vocab.CATEGORIES["Cholesterol"]),
        "na_to_k": rng.choice(
            [rng.uniform(1, 100), rng.randint(1, 100), 1, 100.0, 0.5, 1e300, "20"]
        ),
    }
    if rng.random() < 0.1:
        item.pop(rng.choice(list(item)))
    if rng.random() < 0.1:
        item["extra"] = 1
    return item


def valid_item(rng: random.Random) -> dict:
    """A record validation accepts, spelled canonically or not."""
    return {
        "age": rng.choice([rng.randint(0, 120), 47.0, "47", " 120 "]),
        "sex": rng.choice(["F", "M", "f", " M"]),
        "bp": rng.choice(vocab.CATEGORIES["BP"] + ("high",)),
        "cholesterol": rng.choice(vocab.CATEGORIES["Cholesterol"]),
        "na_to_k": rng.choice([rng.uniform(1, 100), rng.randint(1, 100), "20.5"]),
    }


def test_valid_batches_give_the_records_of_each_record_alone():
    rng = random.Random(4)
    for _ in range(50):
        batch = [valid_item(rng) for _ in range(40)]
        records, many = validate_patients(batch)
        assert [repr(record) for record in records] == list(map(checked_alone, batch))
        assert many


def test_a_canonical_record_is_the_record_validation_makes():
    assert quick_record(PATIENT) == PatientSerializer().to_internal_value(PATIENT)
    assert type(quick_record(PATIENT).na_to_k) is float  # 14 is read as 14.0


@pytest.mark.parametrize(
    "change",
    [
        {"sex": "f"},
        {"sex": " F"},
        {"age": 47.0},
        {"age": "47"},
        {"age": True},
        {"age": 121},
        {"na_to_k": float("nan")},
        {"na_to_k": "14"},
        {"extra": 1},
    ],
)
def test_anything_else_is_left_to_validation(change):
    assert quick_record(PATIENT | change) is None


def test_random_batches_give_the_errors_of_each_record_alone():
    rng = random.Random(5)
    for _ in range(50):
        batch = [random_item(rng) for _ in range(40)] + [PATIENT, "text", None]
        alone = [checked_alone(item) for item in batch]
        errors = {str(i): e for i, e in enumerate(alone) if not isinstance(e, str)}
        if errors:
            with pytest.raises(serializers.ValidationError) as caught:
                validate_patients(batch)
            assert caught.value.detail == errors
        else:
            records, many = validate_patients(batch)
            assert [repr(record) for record in records] == alone
            assert many


def test_one_patient_gives_the_record_or_errors_drf_gives():
    rng = random.Random(6)
    for _ in range(300):
        item = random_item(rng)
        serializer = PatientSerializer(data=item)
        if serializer.is_valid():
            assert validate_patients(item) == ([serializer.validated_data], False)
        else:
            with pytest.raises(serializers.ValidationError) as caught:
                validate_patients(item)
            assert caught.value.detail == serializer.errors
