"""Outcomes and the live quality computed from them, as the API sends them: an
outcome on its own endpoint and inside each logged prediction; the figures of
``GET /api/v1/quality/`` (the dataclasses of predictions.quality)."""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist
from rest_framework import serializers

from ml import features as vocab
from predictions.columns import Arm
from predictions.recorded_outcomes import RecordedOutcome


class RecordedOutcomeSerializer(serializers.Serializer):
    """The drug prescribed after a prediction, who recorded it, when and where."""

    prediction = serializers.IntegerField(
        source="prediction_id", help_text="The prediction log row."
    )
    drug = serializers.CharField(help_text="The drug prescribed.")
    recorded_at = serializers.DateTimeField()
    user = serializers.CharField(
        source="username", help_text="Who recorded it (the username then)."
    )
    source = serializers.ChoiceField(
        choices=RecordedOutcome.Source.values, help_text="Where it was recorded."
    )


class OutcomeRequestSerializer(serializers.Serializer):
    """The body of ``POST /api/v1/predictions/{id}/outcome/`` (documentation)."""

    drug = serializers.CharField(
        help_text="The drug prescribed: one of the classes of the model that "
        f"answered, case-insensitive (today's: {', '.join(vocab.LABELS)})."
    )


READ = RecordedOutcomeSerializer()


def recorded_outcome_of(row) -> dict | None:
    """A prediction row's recorded outcome as JSON, or None if none is recorded.

    Rows read through the selectors carry it (select_related); a row just written
    knows it has none (Prediction.new), so neither costs a query.
    """
    try:
        outcome = row.recorded_outcome
    except ObjectDoesNotExist:
        return None
    return READ.to_representation(outcome)


class IntervalSerializer(serializers.Serializer):
    low = serializers.FloatField()
    high = serializers.FloatField()


class ClassRecallSerializer(serializers.Serializer):
    drug = serializers.CharField(help_text="The drug prescribed.")
    correct = serializers.IntegerField(help_text="Of which the model suggested it.")
    total = serializers.IntegerField()
    recall = serializers.FloatField(allow_null=True)


class ArmQualitySerializer(serializers.Serializer):
    """predictions.quality.ArmQuality."""

    version = serializers.CharField()
    arm = serializers.ChoiceField(choices=Arm.values)
    count = serializers.IntegerField(help_text="Outcomes recorded.")
    correct = serializers.IntegerField(help_text="Where the model's drug was given.")
    accuracy = serializers.FloatField(allow_null=True)
    interval = IntervalSerializer(allow_null=True, help_text="95 % Wilson interval.")
    recall = ClassRecallSerializer(many=True)
    classes = serializers.ListField(child=serializers.CharField())
    confusion = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="confusion[prescribed][predicted]: outcomes counted.",
    )


class ShadowComparisonSerializer(serializers.Serializer):
    """predictions.quality.ShadowComparison."""

    shadow_version = serializers.CharField()
    served_version = serializers.CharField()
    served_arm = serializers.ChoiceField(choices=[Arm.ACTIVE, Arm.CANDIDATE])
    pairs = serializers.IntegerField()
    disagreements = serializers.IntegerField()
    disagreement_rate = serializers.FloatField(allow_null=True)
    with_outcome = serializers.IntegerField()
    both_right = serializers.IntegerField()
    served_only_right = serializers.IntegerField()
    shadow_only_right = serializers.IntegerField()
    neither_right = serializers.IntegerField()
    served_accuracy = serializers.FloatField(allow_null=True)
    served_interval = IntervalSerializer(allow_null=True)
    shadow_accuracy = serializers.FloatField(allow_null=True)
    shadow_interval = IntervalSerializer(allow_null=True)


class QualityWindowSerializer(serializers.Serializer):
    """The window of ``GET /api/v1/quality/``: ISO 8601, half-open."""

    since = serializers.DateTimeField(required=False, allow_null=True, default=None)
    until = serializers.DateTimeField(required=False, allow_null=True, default=None)

    def validate(self, attrs: dict) -> dict:
        if attrs["since"] and attrs["until"] and attrs["since"] >= attrs["until"]:
            raise serializers.ValidationError({"until": ["Must be after since."]})
        return attrs


class QualitySerializer(QualityWindowSerializer):
    versions = ArmQualitySerializer(many=True)
    shadow = ShadowComparisonSerializer(many=True)
