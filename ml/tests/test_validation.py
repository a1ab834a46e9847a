"""ml.validation: every input is accepted or refused the same way, saying why."""

import pytest

from ml import features as vocab
from ml.features import PatientRecord
from ml.validation import FieldError, RecordError, clean_value, record_from_mapping

GOOD = {"Age": "47", "Sex": "F", "BP": "LOW", "Cholesterol": "HIGH", "Na_to_K": "14"}


@pytest.mark.parametrize(
    ("name", "raw", "expected"),
    [
        ("Age", "47", 47),
        ("Age", 47, 47),
        ("Age", " 47 ", 47),
        ("Age", "47.0", 47),
        ("Age", 0, 0),
        ("Age", "120", 120),
        ("Na_to_K", "10.114", 10.114),
        ("Na_to_K", 1, 1.0),
        ("Na_to_K", "100", 100.0),
        ("Sex", "f", "F"),
        ("Sex", "M", "M"),
        ("BP", "high", "HIGH"),
        ("BP", " Normal ", "NORMAL"),
        ("Cholesterol", "normal", "NORMAL"),
    ],
)
def test_clean_value_accepts_valid_input_in_canonical_form(name, raw, expected):
    value = clean_value(name, raw)
    assert value == expected
    assert type(value) is type(expected)


@pytest.mark.parametrize(
    ("name", "raw", "fragment"),
    [
        ("Age", "abc", "is not a number"),
        ("Age", "", "is not a number"),
        ("Age", None, "is not a number"),
        ("Age", "47.5", "must be a whole number"),
        ("Age", 47.5, "must be a whole number"),
        ("Age", -1, "out of range"),
        ("Age", "121", "out of range"),
        ("Age", True, "must be a whole number"),
        ("Na_to_K", "nan", "not a number"),
        ("Na_to_K", "inf", "not a number"),
        ("Na_to_K", "-inf", "not a number"),
        ("Na_to_K", "1_4.5", "not a number"),
        ("Na_to_K", float("nan"), "out of range"),
        ("Na_to_K", "0.5", "out of range"),
        ("Na_to_K", "100.001", "out of range"),
        ("Na_to_K", False, "must be a number"),
        ("Sex", "X", "is not allowed"),
        ("Sex", True, "is not allowed"),
        ("BP", "VERYHIGH", "is not allowed"),
        ("Cholesterol", "", "is not allowed"),
    ],
)
def test_clean_value_rejects_bad_input_naming_the_allowed_values(name, raw, fragment):
    with pytest.raises(FieldError) as caught:
        clean_value(name, raw)
    message = str(caught.value)
    assert message.startswith(name)
    assert fragment in message
    assert vocab.allowed_text(name) in message


def test_record_from_mapping_builds_a_canonical_record():
    values = GOOD | {"Sex": "f", "BP": "low", "Na_to_K": "10.114"}
    assert record_from_mapping(values) == PatientRecord(47, "F", "LOW", "HIGH", 10.114)


def test_record_from_mapping_reports_every_bad_field_by_name():
    values = GOOD | {"Age": "abc", "BP": "VERYHIGH", "Na_to_K": "nan"}
    with pytest.raises(RecordError) as caught:
        record_from_mapping(values)
    assert set(caught.value.errors) == {"Age", "BP", "Na_to_K"}
    assert "one of HIGH, LOW, NORMAL" in caught.value.errors["BP"]
    assert all(text in str(caught.value) for text in caught.value.errors.values())


@pytest.mark.parametrize("blank", [None, "", "   "])
def test_record_from_mapping_calls_a_blank_field_required(blank):
    with pytest.raises(RecordError) as caught:
        record_from_mapping(GOOD | {"Cholesterol": blank})
    assert caught.value.errors == {
        "Cholesterol": "Cholesterol is required: use one of HIGH, NORMAL."
    }


def test_record_from_mapping_calls_a_missing_field_required():
    values = {k: v for k, v in GOOD.items() if k != "Age"}
    with pytest.raises(RecordError) as caught:
        record_from_mapping(values)
    assert list(caught.value.errors) == ["Age"]
    assert "required" in caught.value.errors["Age"]


def test_record_from_mapping_rejects_a_boolean_age():
    with pytest.raises(RecordError) as caught:
        record_from_mapping(GOOD | {"Age": True})
    assert list(caught.value.errors) == ["Age"]
