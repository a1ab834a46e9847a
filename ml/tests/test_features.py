"""ml.features: the vocabulary, written once, and what derives from it."""

import random

import pytest

from ml import features as vocab
from ml.features import PatientRecord


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("Sex", "one of F, M"),
        ("BP", "one of HIGH, LOW, NORMAL"),
        ("Cholesterol", "one of HIGH, NORMAL"),
        ("Age", "a whole number from 0 to 120"),
        ("Na_to_K", "a number from 1 to 100"),
    ],
)
def test_allowed_text_names_the_allowed_values(name, text):
    assert vocab.allowed_text(name) == text


def test_patient_record_rows_follow_the_feature_order():
    record = PatientRecord(47, "F", "HIGH", "NORMAL", 14.0)
    assert record.as_row() == (47, "F", "HIGH", "NORMAL", 14.0)
    assert list(record.as_dict()) == list(vocab.FEATURES)
    assert vocab.FEATURES == ("Age", "Sex", "BP", "Cholesterol", "Na_to_K")


def test_every_derived_table_lists_every_feature_once():
    assert len(vocab.FEATURES) == len(vocab.SPECS) == len(set(vocab.FIELDS))
    assert set(vocab.CATEGORICAL) | set(vocab.NUMERIC) == set(vocab.FEATURES)
    assert set(vocab.FIELD_NAMES.values()) == set(vocab.FEATURE_OF_FIELD)


def test_describe_gives_the_allowed_values_or_range_and_the_observed_range():
    assert vocab.describe("BP")["allowed"] == ["HIGH", "LOW", "NORMAL"]
    age = vocab.describe("Age", [15, 74])
    assert age["kind"] == "integer"
    assert age["allowed_range"] == [0, 120]
    assert age["observed_range"] == [15, 74]
    assert age["field"] == "age"


def test_a_record_converts_to_fields_and_columns_in_feature_order():
    record = PatientRecord(47, "F", "LOW", "HIGH", 14.0)
    assert list(record.as_fields()) == list(vocab.FIELDS)
    assert list(record.as_dict()) == list(vocab.FEATURES)


def test_random_records_stay_in_the_ranges_asked_for():
    rng = random.Random(3)
    for _ in range(200):
        record = vocab.random_record(rng, {"Age": (15, 74)})
        assert 15 <= record.age <= 74
        assert 1.0 <= record.na_to_k <= 100.0
        assert record.bp in vocab.CATEGORIES["BP"]
