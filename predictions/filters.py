import django_filters

from ml.features import LABELS
from predictions.models import Channel, Prediction


class PredictionFilter(django_filters.FilterSet):
    """Filters of GET /api/v1/predictions/."""

    drug = django_filters.CharFilter(
        field_name="drug",
        lookup_expr="iexact",
        help_text=f"One of {', '.join(LABELS)}.",
    )
    channel = django_filters.ChoiceFilter(choices=Channel.choices)
    model_version = django_filters.CharFilter(field_name="model_version__version")
    created_after = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="gte"
    )
    created_before = django_filters.IsoDateTimeFilter(
        field_name="created_at", lookup_expr="lt"
    )

    class Meta:
        model = Prediction
        fields = ("drug", "channel", "model_version", "created_after", "created_before")
