from datetime import UTC

import django_filters
from django import forms

from ml.features import LABELS
from predictions.models import Channel, Prediction


class UtcDateTimeField(django_filters.fields.IsoDateTimeField):
    """ISO 8601, converted to UTC here: an offset the database cannot take, or a
    time that leaves the calendar once in UTC, is a 400 rather than a 500."""

    def to_python(self, value):
        try:
            parsed = super().to_python(value)
            return parsed.astimezone(UTC) if parsed is not None else None
        except OverflowError:
            raise forms.ValidationError(
                "Enter a date/time that exists in UTC.", code="invalid"
            ) from None


class UtcDateTimeFilter(django_filters.IsoDateTimeFilter):
    field_class = UtcDateTimeField


class PredictionFilter(django_filters.FilterSet):
    """Filters of GET /api/v1/predictions/."""

    drug = django_filters.CharFilter(
        field_name="drug",
        lookup_expr="iexact",
        help_text=f"One of {', '.join(LABELS)}.",
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    model_version = django_filters.CharFilter(field_name="model_version__version")
    created_after = UtcDateTimeFilter(field_name="created_at", lookup_expr="gte")
    created_before = UtcDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = Prediction
        fields = ("drug", "channel", "model_version", "created_after", "created_before")
