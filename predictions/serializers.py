"""API input and output. Inputs are validated by ml.features, the one vocabulary.

JSON field names are snake_case throughout: age, sex, bp, cholesterol, na_to_k.
"""

from django.conf import settings
from rest_framework import serializers

from ml import features as F

FIELDS = tuple(F.FIELD_NAMES.values())
FEATURE_OF = {field: feature for feature, field in F.FIELD_NAMES.items()}


def schema_field(feature: str) -> serializers.Field:
    """A DRF field that documents one feature (validation is done by ml.features)."""
    help_text = f"{F.DESCRIPTIONS[feature]} Accepts {F.allowed_text(feature)}."
    if feature in F.CATEGORIES:
        return serializers.ChoiceField(
            choices=F.CATEGORIES[feature], help_text=help_text
        )
    low, high = F.RANGES[feature]
    kind = serializers.IntegerField if feature in F.INTEGER else serializers.FloatField
    return kind(min_value=low, max_value=high, help_text=help_text)


class PatientSerializer(serializers.Serializer):
    """One patient. Category values are case-insensitive; unknown fields are refused."""

    age = schema_field(F.AGE)
    sex = schema_field(F.SEX)
    bp = schema_field(F.BP)
    cholesterol = schema_field(F.CHOLESTEROL)
    na_to_k = schema_field(F.NA_TO_K)

    def to_internal_value(self, data) -> F.PatientRecord:
        if not isinstance(data, dict):
            raise serializers.ValidationError(
                {"non_field_errors": [f"Expected an object with {', '.join(FIELDS)}."]}
            )
        errors = {
            key: [f"Unknown field {key!r}: the fields are {', '.join(FIELDS)}."]
            for key in data
            if key not in FEATURE_OF
        }
        try:
            record = F.record_from_mapping(
                {FEATURE_OF[k]: v for k, v in data.items() if k in FEATURE_OF}
            )
        except F.RecordError as exc:
            errors |= {F.FIELD_NAMES[k]: [msg] for k, msg in exc.errors.items()}
        if errors:
            raise serializers.ValidationError(errors)
        return record


def validate_patients(data) -> tuple[list[F.PatientRecord], bool]:
    """Validate one record or a list of them; errors of a batch are keyed by index."""
    if not isinstance(data, list | dict):
        raise serializers.ValidationError(
            {
                "non_field_errors": [
                    f"Expected an object with {', '.join(FIELDS)}, "
                    "or a list of such objects."
                ]
            }
        )
    if isinstance(data, dict):
        serializer = PatientSerializer(data=data)
        serializer.is_valid(raise_exception=True)
        return [serializer.validated_data], False
    limit = settings.DRUGSITE_MAX_BATCH
    if not data or len(data) > limit:
        raise serializers.ValidationError(
            {
                "non_field_errors": [
                    f"A batch holds 1 to {limit} records; got {len(data)}."
                ]
            }
        )
    records, errors, child = [], {}, PatientSerializer()
    for index, item in enumerate(data):
        try:
            records.append(child.to_internal_value(item))
        except serializers.ValidationError as exc:
            errors[str(index)] = exc.detail
    if errors:
        raise serializers.ValidationError(errors)
    return records, True


class BoundarySerializer(serializers.Serializer):
    feature = serializers.CharField()
    threshold = serializers.FloatField()
    value = serializers.FloatField()
    distance = serializers.FloatField()
    near = serializers.BooleanField()


class PredictionSerializer(serializers.Serializer):
    """One logged answer. Written by hand for speed: batches serialise 1,000 rows."""

    id = serializers.IntegerField(help_text="The prediction log row.")
    request_id = serializers.CharField()
    created_at = serializers.DateTimeField()
    channel = serializers.CharField()
    user = serializers.CharField(
        allow_null=True, help_text="Username, null if anonymous."
    )
    input = PatientSerializer()
    drug = serializers.CharField(help_text="The suggested drug.")
    probability = serializers.FloatField(help_text="Probability of the suggested drug.")
    probabilities = serializers.DictField(child=serializers.FloatField())
    near_boundary = serializers.BooleanField(
        help_text="True when a numeric input lies close to a threshold on the path."
    )
    boundary = BoundarySerializer(allow_null=True)
    explanation = serializers.ListField(
        child=serializers.CharField(), help_text="The decision path as conditions."
    )
    warnings = serializers.ListField(child=serializers.CharField())
    model_version = serializers.CharField()

    def timestamp(self, value) -> str:
        """ISO 8601 in UTC; a batch shares one time, formatted once."""
        cached = getattr(self, "_timestamp", None)
        if cached is None or cached[0] != value:
            self._timestamp = cached = (value, value.isoformat().replace("+00:00", "Z"))
        return cached[1]

    def to_representation(self, row) -> dict:
        return {
            "id": row.pk,
            "request_id": row.request_id,
            "created_at": self.timestamp(row.created_at),
            "channel": row.channel,
            "user": row.user.get_username() if row.user_id else None,
            "input": {
                "age": row.age,
                "sex": row.sex,
                "bp": row.bp,
                "cholesterol": row.cholesterol,
                "na_to_k": row.na_to_k,
            },
            "drug": row.drug,
            "probability": row.probabilities.get(row.drug),
            "probabilities": row.probabilities,
            "near_boundary": row.near_boundary,
            "boundary": row.boundary,
            "explanation": row.explanation,
            "warnings": row.warnings,
            "model_version": row.model_version.version,
        }
