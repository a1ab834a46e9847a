"""What the model-change endpoints take and give (predictions.model_apis): a
reason, a rollout, and one step of the change history (ml.models.ModelChange)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ml.changes import MODES, REASON_REQUIRED
from ml.models import ModelChange

MODE_NAMES = ", ".join(MODES)
SHARE_REQUIRED = "A candidate needs its share: a whole number from 0 to 100."


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField(
        max_length=2000,
        error_messages={"blank": REASON_REQUIRED, "required": REASON_REQUIRED},
        help_text="Why, in your own words: kept in the change history for good.",
    )


class RolloutSerializer(ReasonSerializer):
    mode = serializers.ChoiceField(
        choices=list(MODES),
        error_messages={"invalid_choice": f'"{{input}}" is not one of {MODE_NAMES}.'},
        help_text="candidate: serve it to `traffic_percent` % of requests; shadow: "
        "score every request with it, log its answer, never return it; none: take "
        "it out of rollout.",
    )
    traffic_percent = serializers.IntegerField(
        min_value=0,
        max_value=100,
        required=False,
        help_text="A candidate's share of live requests, 0 to 100 (required for a "
        "candidate, ignored otherwise).",
    )

    def validate(self, attrs: dict) -> dict:
        if attrs["mode"] == "candidate" and "traffic_percent" not in attrs:
            raise serializers.ValidationError({"traffic_percent": [SHARE_REQUIRED]})
        return attrs


class ModelChangeSerializer(serializers.ModelSerializer):
    """One step of the change history: who, when, which version, from which, why."""

    version = serializers.SlugRelatedField(slug_field="version", read_only=True)
    previous = serializers.SlugRelatedField(
        slug_field="version",
        read_only=True,
        help_text="The version active before an activation or rollback; else null.",
    )
    user = serializers.SerializerMethodField(
        help_text="The username then; null for a management command."
    )

    class Meta:
        model = ModelChange
        fields = (
            "id",
            "created_at",
            "action",
            "version",
            "previous",
            "traffic_percent",
            "reason",
            "user",
        )

    @extend_schema_field(OpenApiTypes.STR)
    def get_user(self, change: ModelChange) -> str | None:
        return change.username or None
