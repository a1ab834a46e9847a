"""Validation of every input against the vocabulary in ml.features.

The form, the API serializer, the legacy query-string parser and the dataset
loader all call these, so a value is accepted or refused the same way everywhere.
"""

from __future__ import annotations

import re

from ml.features import (
    CATEGORIES,
    FEATURES,
    INTEGER,
    RANGES,
    PatientRecord,
    allowed_text,
)

#: Numbers as people type them: no underscores, no "nan" or "inf".
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


class FieldError(ValueError):
    """A value that is not acceptable for a feature; the message names the fix."""


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
