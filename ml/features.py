"""The model's vocabulary: column names, category values, labels and ranges.

Every other module (dataset loader, form, API serializer, legacy parser) takes its
choices and limits from here, so no list of categories is written twice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

AGE, SEX, BP, CHOLESTEROL, NA_TO_K = "Age", "Sex", "BP", "Cholesterol", "Na_to_K"
TARGET = "Drug"

#: Feature columns in the order the model sees them (as in drug200.csv).
FEATURES: tuple[str, ...] = (AGE, SEX, BP, CHOLESTEROL, NA_TO_K)

#: Allowed values of each categorical feature, canonical (upper-case) spelling.
CATEGORIES: dict[str, tuple[str, ...]] = {
    SEX: ("F", "M"),
    BP: ("HIGH", "LOW", "NORMAL"),
    CHOLESTEROL: ("HIGH", "NORMAL"),
}
CATEGORICAL: tuple[str, ...] = tuple(CATEGORIES)
NUMERIC: tuple[str, ...] = (AGE, NA_TO_K)

#: Accepted input range of each numeric feature (inclusive). Values inside this
#: range but outside the training data's range are answered with a warning.
RANGES: dict[str, tuple[float, float]] = {AGE: (0, 120), NA_TO_K: (1.0, 100.0)}
INTEGER: frozenset[str] = frozenset({AGE})
#: Numbers as people type them: no underscores, no "nan" or "inf".
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")

#: How close to a numeric threshold a value must be to call the answer "near a
#: decision boundary" (years of age, units of sodium-to-potassium ratio).
BOUNDARY_TOLERANCE: dict[str, float] = {AGE: 2.0, NA_TO_K: 0.5}

#: The five drugs, spelled as in the public drug200 file.
LABELS: tuple[str, ...] = ("DrugY", "drugA", "drugB", "drugC", "drugX")

#: JSON and form field name of each feature (the PatientRecord attribute names).
FIELD_NAMES: dict[str, str] = {
    AGE: "age",
    SEX: "sex",
    BP: "bp",
    CHOLESTEROL: "cholesterol",
    NA_TO_K: "na_to_k",
}

DESCRIPTIONS: dict[str, str] = {
    AGE: "Patient age in whole years.",
    SEX: "Patient sex.",
    BP: "Blood pressure level.",
    CHOLESTEROL: "Cholesterol level.",
    NA_TO_K: "Blood sodium-to-potassium ratio.",
}


@dataclass(frozen=True, slots=True)
class PatientRecord:
    """One validated patient: categories canonical, numbers in range."""

    age: int
    sex: str
    bp: str
    cholesterol: str
    na_to_k: float

    def as_row(self) -> tuple:
        """The record as a row in FEATURES order."""
        return (self.age, self.sex, self.bp, self.cholesterol, self.na_to_k)

    def as_dict(self) -> dict:
        """The record keyed by the dataset's column names."""
        return dict(zip(FEATURES, self.as_row(), strict=True))


class FieldError(ValueError):
    """A value that is not acceptable for a feature; the message names the fix."""


def allowed_text(name: str) -> str:
    """Human description of what a feature accepts, for error messages."""
    if name in CATEGORIES:
        return "one of " + ", ".join(CATEGORIES[name])
    low, high = RANGES[name]
    kind = "a whole number" if name in INTEGER else "a number"
    return f"{kind} from {low:g} to {high:g}"


def shown(value: object, limit: int = 40) -> str:
    """A value quoted for an error message: bounded, and safe for huge numbers."""
    try:
        text = repr(value)
    except ValueError:  # an int too long to print
        return "<a number too long to show>"
    return text if len(text) <= limit else text[: limit - 4] + "...'"


def clean_category(name: str, value: object) -> str:
    """Return the canonical spelling of a category value (case-insensitive)."""
    text = value.strip().upper() if isinstance(value, str) else None
    if text in CATEGORIES[name]:
        return text
    raise FieldError(
        f"{name} {shown('' if value is None else value)} is not allowed: "
        f"use {allowed_text(name)}."
    )


def clean_number(name: str, value: object) -> int | float:
    """Parse and range-check a numeric feature given as text or number."""
    if isinstance(value, bool):
        raise FieldError(f"{name} must be {allowed_text(name)}.")
    if isinstance(value, str) and not PLAIN_NUMBER.fullmatch(value.strip()):
        raise FieldError(
            f"{name} {shown(value)} is not a number: use {allowed_text(name)}."
        )
    try:
        number = float(value.strip()) if isinstance(value, str) else float(value)
    except (TypeError, ValueError, OverflowError):
        raise FieldError(
            f"{name} {shown(value)} is not a number: use {allowed_text(name)}."
        ) from None
    low, high = RANGES[name]
    if not (low <= number <= high):  # also rejects NaN
        raise FieldError(
            f"{name} {shown(value)} is out of range: use {allowed_text(name)}."
        )
    if name in INTEGER:
        if number != int(number):
            raise FieldError(f"{name} {shown(value)} must be {allowed_text(name)}.")
        return int(number)
    return number


def clean_value(name: str, value: object) -> int | float | str:
    """Validate one feature value, whichever kind it is."""
    if name in CATEGORIES:
        return clean_category(name, value)
    return clean_number(name, value)


def record_from_mapping(values: dict) -> PatientRecord:
    """Build a record from a mapping keyed by FEATURES; raise a dict of errors."""
    cleaned, errors = {}, {}
    for name in FEATURES:
        raw = values.get(name)
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            errors[name] = f"{name} is required: use {allowed_text(name)}."
            continue
        try:
            cleaned[name] = clean_value(name, raw)
        except FieldError as exc:
            errors[name] = str(exc)
    if errors:
        raise RecordError(errors)
    return PatientRecord(*(cleaned[name] for name in FEATURES))


class RecordError(ValueError):
    """Several field errors for one record, keyed by feature name."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(errors.values()))
        self.errors = errors
