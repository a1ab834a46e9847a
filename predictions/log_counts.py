"""The log's rows counted per UTC day and key in one GROUP BY (predictions.daily).

The rows are found through the ``created_at`` index; each group's model time is
bucketed in SQL, so a day of any size comes back as a few hundred groups.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Case, Count, F, Sum, Value, When
from django.db.models.functions import Coalesce, TruncDate

from predictions.daily import LATENCY_BUCKETS_US, DailyCount
from predictions.models import Prediction

KEY = ("day", "channel", "outcome", "drug", "version", "arm_or_none")


def latency_bucket() -> Case:
    """The index in LATENCY_BUCKETS_US of a row's model time, computed in SQL."""
    edges = list(enumerate(LATENCY_BUCKETS_US))[:0:-1]  # highest first, not 0
    return Case(
        *(When(latency_us__gte=edge, then=Value(i)) for i, edge in edges),
        default=Value(0),
    )


def log_counts(*, start: datetime, end: datetime | None = None) -> list[DailyCount]:
    """The log's rows from `start` (to `end`) counted per day and key: one query.

    Unsaved DailyCount rows, each with the histogram of its rows' model time.
    """
    rows = Prediction.objects.filter(created_at__gte=start)
    if end is not None:
        rows = rows.filter(created_at__lt=end)
    groups = (
        rows.order_by()
        .annotate(
            day=TruncDate("created_at", tzinfo=UTC),
            version=Coalesce(F("model_version__version"), Value("")),
            arm_or_none=Coalesce(F("arm"), Value("")),
            bucket=latency_bucket(),
        )
        .values(*KEY, "bucket")
        .annotate(rows=Count("pk"), latency=Sum("latency_us"))
    )
    counts: dict[tuple, DailyCount] = {}
    for group in groups:
        key = tuple(group[name] for name in KEY)
        if (found := counts.get(key)) is None:
            day, channel, outcome, drug, version, arm = key
            found = counts[key] = DailyCount(
                day=day,
                channel=channel,
                outcome=outcome,
                drug=drug,
                model_version=version,
                arm=arm,
                count=0,
                latency_buckets=[0] * len(LATENCY_BUCKETS_US),
            )
        found.count += group["rows"]
        found.latency_sum_us += group["latency"] or 0
        found.latency_buckets[group["bucket"]] += group["rows"]
    return list(counts.values())
