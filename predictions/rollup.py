"""Counting the log per day: each closed day once, the open days live.

A day is closed once every row of it has settled (the audit's grace period after
its midnight, UTC): then its counts are stored (``predictions.daily``) by the
first page view or ``rollup_daily`` that needs them, from one GROUP BY over its
rows found through the ``created_at`` index. The open days (today, and
yesterday just after midnight) are counted live over their own rows only.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Min
from django.utils import timezone

from predictions.daily import DailyCount, DailyRollup
from predictions.log_counts import log_counts
from predictions.models import Prediction

ONE_DAY = timedelta(days=1)


def day_start(day: date) -> datetime:
    """Midnight UTC at the start of `day`."""
    return datetime.combine(day, time.min, tzinfo=UTC)


def first_open_day(now: datetime | None = None) -> date:
    """The first day whose rows may still be arriving; every day before is closed."""
    grace = timedelta(seconds=settings.DRUGSITE_AUDIT_GRACE_SECONDS)
    return ((now or timezone.now()) - grace).astimezone(UTC).date()


def days_missing(first: date, last: date) -> list[date]:
    """The days first..last whose counts are not stored, oldest first."""
    stored = set(
        DailyRollup.objects.filter(day__range=(first, last)).values_list(
            "day", flat=True
        )
    )
    span = (last - first).days + 1
    return [day for n in range(span) if (day := first + n * ONE_DAY) not in stored]


def rollup_write(days: list[date], counts: list[DailyCount]) -> None:
    """Store days' markers and counts together; IntegrityError if one is stored."""
    with transaction.atomic():
        DailyRollup.objects.bulk_create([DailyRollup(day=day) for day in days])
        DailyCount.objects.bulk_create(counts)


def rollup_store(days: list[date], counts: list[DailyCount]) -> list[date]:
    """Store the days' markers and counts; the days stored.

    A day that another process stored meanwhile (its marker exists) is left as
    that process wrote it: the others are then stored one by one.
    """
    wanted = set(days)
    try:
        rollup_write(days, [c for c in counts if c.day in wanted])
    except IntegrityError:
        stored = []
        for day in days:
            with suppress(IntegrityError):
                rollup_write([day], [c for c in counts if c.day == day])
                stored.append(day)
        return stored
    return days


def rollup_fill(*, first: date, last: date) -> list[date]:
    """Count and store the closed days of first..last not stored yet; those days.

    One GROUP BY over those days' rows, read outside any transaction, so no lock
    is held while the log is counted.
    """
    days = days_missing(first, min(last, first_open_day() - ONE_DAY))
    if not days:
        return []
    end = day_start(days[-1] + ONE_DAY)
    return rollup_store(days, log_counts(start=day_start(days[0]), end=end))


def rollup_forget(*, first: date, last: date) -> int:
    """Forget the stored counts of first..last (to count them again); how many
    days were stored."""
    with transaction.atomic():
        DailyCount.objects.filter(day__range=(first, last)).delete()
        return DailyRollup.objects.filter(day__range=(first, last)).delete()[0]


def log_first_day() -> date | None:
    """The UTC day of the log's first row (None: an empty log), from the index."""
    first = Prediction.objects.aggregate(first=Min("created_at"))["first"]
    return first.astimezone(UTC).date() if first else None


def daily_counts(*, first: date, last: date) -> list[DailyCount]:
    """Every day's counts from first to last: stored ones, live ones for open days.

    Three queries once the closed days are stored, whatever the log's size.
    """
    open_day = first_open_day()
    closed = min(last, open_day - ONE_DAY)
    rollup_fill(first=first, last=closed)
    found = list(DailyCount.objects.filter(day__range=(first, closed)))
    if last >= open_day:
        found += log_counts(start=day_start(max(first, open_day)))
    return found
