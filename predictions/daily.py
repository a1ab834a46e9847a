"""The log counted per day, so that the dashboard never scans the log itself.

Derived data, not audited: ``rollup_daily --rebuild`` makes it again from the log.
A closed day is counted once (``predictions.rollup``) and its ``DailyRollup``
marker written with its counts in one transaction; the marker's unique day makes
a second, concurrent count of the same day fail instead of doubling it. A day
with no rows has its marker and no counts. The log's NULLs (no version, no arm)
are stored as "" so that the unique key holds on every database.

Model time (``latency_us``) is kept as a histogram over fixed buckets, so that
percentiles of any set of days and keys come from summed buckets.
"""

import math

from django.db import models
from django.utils import timezone

from predictions.columns import Channel, Outcome

#: Lower edge of each latency bucket, µs; a bucket holds lower <= v < next lower,
#: the last one everything from 100 ms. One bucket per microsecond where the
#: compiled tree answers (a few µs), wider above.
LATENCY_BUCKETS_US = (
    *range(0, 10),
    *(10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100, 150, 200, 300, 500),
    *(1_000, 2_000, 5_000, 10_000, 100_000),
)


def buckets_added(a: list[int], b: list[int]) -> list[int]:
    """Two histograms over LATENCY_BUCKETS_US summed."""
    return [x + y for x, y in zip(a, b, strict=True)]


def latency_percentile(buckets: list[int], q: float) -> int | None:
    """The q-th (0 < q <= 1) nearest-rank percentile read from summed buckets.

    Exact where a bucket is one microsecond wide; in a wider bucket its values
    are taken as spread evenly over it; the open last bucket gives its lower edge.
    None when the buckets are empty.
    """
    total = sum(buckets)
    if not total:
        return None
    rank = max(1, math.ceil(round(q * total, 9)))  # 0.95 * 20 is 19.000000000000004
    before = 0
    for i, count in enumerate(buckets):
        if before + count >= rank:
            low = LATENCY_BUCKETS_US[i]
            if i + 1 == len(LATENCY_BUCKETS_US):
                return low
            width = LATENCY_BUCKETS_US[i + 1] - low
            return low + width * (rank - before - 1) // count
        before += count
    raise ValueError(f"{len(buckets)} buckets for {len(LATENCY_BUCKETS_US)} edges")


class DailyCount(models.Model):
    """How many log rows one day had for one key, and their model time."""

    day = models.DateField(help_text="UTC day of created_at (the key's index).")
    channel = models.CharField(max_length=8, choices=Channel.choices)
    outcome = models.CharField(max_length=8, choices=Outcome.choices)
    drug = models.CharField(max_length=16, blank=True)
    model_version = models.CharField(
        max_length=64, blank=True, help_text="The version string; empty: none."
    )
    arm = models.CharField(max_length=9, blank=True, help_text="Empty: none logged.")
    count = models.PositiveBigIntegerField()
    latency_sum_us = models.PositiveBigIntegerField(default=0)
    latency_buckets = models.JSONField(
        default=list, help_text="Rows per bucket of LATENCY_BUCKETS_US."
    )

    class Meta:
        ordering = ("day", "channel", "outcome", "drug")
        constraints = [
            models.UniqueConstraint(
                fields=["day", "channel", "outcome", "drug", "model_version", "arm"],
                name="predictions_dailycount_key",
            )
        ]

    def __str__(self) -> str:
        return f"{self.day} {self.channel} {self.outcome} {self.drug}: {self.count}"


class DailyRollup(models.Model):
    """The marker of a closed day whose counts are stored (zero rows included)."""

    day = models.DateField(unique=True)
    computed_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ("day",)

    def __str__(self) -> str:
        return f"{self.day} counted at {self.computed_at:%Y-%m-%d %H:%M}"
