"""API input and output. Inputs are validated by ml.validation, the one vocabulary.

JSON field names are the features' fields in ml.features (snake_case).
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import serializers

from ml import features as vocab
from ml import validation
from predictions.quick_records import quick_record, quick_records

EXPECTED = f"Expected an object with {', '.join(vocab.FIELDS)}"


def schema_field(feature: str) -> serializers.Field:
    """A DRF field that documents one feature (validation is done by ml.validation)."""
    help_text = vocab.help_text(feature)
    if feature in vocab.CATEGORIES:
        return serializers.ChoiceField(
            choices=vocab.CATEGORIES[feature], help_text=help_text
        )
    low, high = vocab.RANGES[feature]
    integer = feature in vocab.INTEGER
    kind = serializers.IntegerField if integer else serializers.FloatField
    return kind(min_value=low, max_value=high, help_text=help_text)


class PatientSerializer(serializers.Serializer):
    """One patient. Category values are case-insensitive; unknown fields are refused."""

    def get_fields(self) -> dict:
        return {vocab.FIELD_NAMES[f]: schema_field(f) for f in vocab.FEATURES}

    def to_internal_value(self, data) -> vocab.PatientRecord:
        if not isinstance(data, dict):
            raise serializers.ValidationError({"non_field_errors": [EXPECTED + "."]})
        errors = {
            key: [f"Unknown field {key!r}: the fields are {', '.join(vocab.FIELDS)}."]
            for key in data
            if key not in vocab.FEATURE_OF_FIELD
        }
        try:
            record = validation.record_from_mapping(
                {
                    vocab.FEATURE_OF_FIELD[k]: v
                    for k, v in data.items()
                    if k in vocab.FEATURE_OF_FIELD
                }
            )
        except validation.RecordError as exc:
            errors |= {vocab.FIELD_NAMES[k]: [msg] for k, msg in exc.errors.items()}
        if errors:
            raise serializers.ValidationError(errors)
        return record


def validate_patients(data) -> tuple[list, bool]:
    """Validate one record or a list of them; errors of a batch are keyed by index."""
    if not isinstance(data, list | dict):
        raise serializers.ValidationError(
            {"non_field_errors": [f"{EXPECTED}, or a list of such objects."]}
        )
    if isinstance(data, dict):
        record = quick_record(data)
        if record is None:
            serializer = PatientSerializer(data=data)
            serializer.is_valid(raise_exception=True)
            record = serializer.validated_data
        return [record], False
    limit = settings.DRUGSITE_MAX_BATCH
    if not data or len(data) > limit:
        raise serializers.ValidationError(
            {
                "non_field_errors": [
                    f"A batch holds 1 to {limit} records; got {len(data)}."
                ]
            }
        )
    records = quick_records(data)
    if records is not None:
        return records, True
    records, errors, child = [], {}, PatientSerializer()
    for index, item in enumerate(data):
        record = quick_record(item)
        if record is None:
            try:
                record = child.to_internal_value(item)
            except serializers.ValidationError as exc:
                errors[str(index)] = exc.detail
                continue
        records.append(record)
    if errors:
        raise serializers.ValidationError(errors)
    return records, True
