"""The dashboard's figures, summed from the daily counts (predictions.rollup).

"Served" answers are the ones a caller received: answered rows of the active
version or the candidate. Shadow rows were scored beside them and never
returned; they are counted apart, and their model time is left out.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from ml import features as vocab
from predictions.columns import Arm, Channel, Outcome
from predictions.daily import (
    LATENCY_BUCKETS_US,
    DailyCount,
    buckets_added,
    latency_percentile,
)
from predictions.rollup import ONE_DAY

PERCENTILES = (("p50", 0.5), ("p95", 0.95), ("p99", 0.99))


def served(count: DailyCount) -> bool:
    return count.outcome == Outcome.ANSWERED and count.arm != Arm.SHADOW


@dataclass
class Day:
    """One day's totals: answers served, requests rejected, shadow answers."""

    day: date
    answered: int = 0
    rejected: int = 0
    shadow: int = 0
    buckets: list[int] = field(default_factory=lambda: [0] * len(LATENCY_BUCKETS_US))

    def add(self, count: DailyCount) -> None:
        if count.outcome == Outcome.REJECTED:
            self.rejected += count.count
        elif count.arm == Arm.SHADOW:
            self.shadow += count.count
        else:
            self.answered += count.count
            self.buckets = buckets_added(self.buckets, count.latency_buckets)

    @property
    def latency(self) -> dict[str, int | None]:
        """Model time percentiles of the day's served answers, µs."""
        return {name: latency_percentile(self.buckets, q) for name, q in PERCENTILES}


def days_summed(counts: list[DailyCount], *, first: date, last: date) -> list[Day]:
    """Every day from first to last, oldest first, days without rows included."""
    days = {
        first + n * ONE_DAY: Day(first + n * ONE_DAY)
        for n in range((last - first).days + 1)
    }
    for count in counts:
        if count.day in days:
            days[count.day].add(count)
    return list(days.values())


def shares(counter: Counter, order: tuple[str, ...] = ()) -> list[tuple]:
    """(label, count, share) in the given order first, then by count."""
    total = sum(counter.values()) or 1
    known = [key for key in order if counter[key]]
    rest = sorted((k for k in counter if k not in order), key=lambda k: -counter[k])
    return [(key, counter[key], counter[key] / total) for key in known + rest]


def mixes(counts: list[DailyCount]) -> dict[str, list[tuple]]:
    """Served answers by drug and by channel; every row by version and arm."""
    drugs, channels, traffic = Counter(), Counter(), defaultdict(Counter)
    labels = dict(Channel.choices)
    for count in counts:
        if served(count):
            drugs[count.drug] += count.count
            channels[labels.get(count.channel, count.channel)] += count.count
        if count.outcome == Outcome.ANSWERED:
            traffic[count.model_version][count.arm or "not recorded"] += count.count
    return {
        "drugs": shares(drugs, vocab.LABELS),
        "channels": shares(channels, tuple(labels.values())),
        "traffic": [
            (version, arm, n)
            for version, arms in sorted(traffic.items())
            for arm, n in sorted(arms.items())
        ],
    }


def window_total(days: list[Day]) -> Day:
    """The days summed into one: the window's rows and model time."""
    total = Day(days[0].day)
    for day in days:
        total.answered += day.answered
        total.rejected += day.rejected
        total.shadow += day.shadow
        total.buckets = buckets_added(total.buckets, day.buckets)
    return total
