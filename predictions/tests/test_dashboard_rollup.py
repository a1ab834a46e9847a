"""The log counted per day (predictions.rollup, .log_counts, .daily), by hand.

Rows are written with chosen times and model times, as the service writes them
(hashed, one INSERT); the counts, buckets and percentiles are worked out below.
"""

import uuid
from datetime import UTC, datetime, timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from predictions.audit.rowhash import row_hashes_set
from predictions.daily import (
    LATENCY_BUCKETS_US,
    DailyCount,
    DailyRollup,
    latency_percentile,
)
from predictions.dashboard_figures import days_summed
from predictions.log_counts import log_counts
from predictions.models import Prediction
from predictions.rollup import (
    daily_counts,
    first_open_day,
    rollup_fill,
    rollup_store,
    rollup_write,
)

TODAY = timezone.now().astimezone(UTC).date()
DAY = TODAY - timedelta(days=3)  # closed
AT = datetime.combine(DAY, datetime.min.time(), tzinfo=UTC)  # its midnight


def logged(at: datetime, latencies, *, version=None, **columns) -> list[Prediction]:
    """Log rows at `at`, one per model time, as the service would (answered by
    the API from the active version unless told otherwise)."""
    answered = columns.get("outcome", "answered") == "answered"
    values = {"channel": "api", "outcome": "answered", "drug": "drugA", "arm": "active"}
    values |= columns
    rows = [
        Prediction(
            created_at=at,
            request_id=uuid.uuid4().hex,
            model_version=version if answered else None,
            latency_us=latency,
            **values,
        )
        for latency in latencies
    ]
    row_hashes_set(rows)
    Prediction.objects.insert_many(rows)
    return rows


def by_key(counts) -> dict[tuple, DailyCount]:
    return {
        (c.day, c.channel, c.outcome, c.drug, c.model_version, c.arm): c for c in counts
    }


def figures(counts) -> dict[tuple, tuple]:
    """What each key counted: rows, summed model time, histogram."""
    return {
        key: (c.count, c.latency_sum_us, c.latency_buckets)
        for key, c in by_key(counts).items()
    }


def buckets(**counts) -> list[int]:
    """A histogram from {"i<index>": rows}."""
    found = [0] * len(LATENCY_BUCKETS_US)
    for name, rows in counts.items():
        found[int(name[1:])] = rows
    return found


@pytest.fixture
def day_log(active_model):
    """The hand-computed day (DAY), the row just after it, and the versions."""
    v = active_model
    hour = AT + timedelta(hours=10)
    logged(hour, [4, 4, 5, 6, 9, 12, 14, 45, 700, 120_000], version=v)
    logged(AT, [3], version=v, channel="form", drug="DrugY", arm="candidate")
    logged(hour, [10], version=v, channel="form", drug="DrugY", arm="candidate")
    logged(hour, [0, 0], channel="legacy", outcome="rejected", drug="", arm=None)
    logged(hour, [8], version=v, arm="shadow")
    logged(AT + timedelta(days=1), [2], version=v, drug="drugC")
    return v


def test_latency_buckets_start_at_zero_and_grow():
    assert LATENCY_BUCKETS_US[0] == 0
    assert list(LATENCY_BUCKETS_US) == sorted(set(LATENCY_BUCKETS_US))
    assert LATENCY_BUCKETS_US[:11] == tuple(range(11))  # 0..10 µs: one bucket each


@pytest.mark.parametrize(
    ("q", "expected"),
    [(0.01, 3), (0.5, 9), (0.75, 13), (0.9, 500), (0.95, 100_000), (1, 100_000)],
)
def test_percentiles_read_from_buckets_match_the_hand_computed_ranks(q, expected):
    # Sorted: 3 4 4 5 6 9 10 12 14 45 700 120000. p50: rank 6 = 9, exact (a
    # 1 µs bucket). p75: rank 9 is the second of [12, 15)'s two rows (12, 14),
    # taken as spread evenly: 12 + 3 * 1 // 2 = 13. p90: rank 11 is 700, alone in
    # [500, 1000): 500. p95: rank 12, in the open bucket: its lower edge.
    histogram = buckets(i3=1, i4=2, i5=1, i6=1, i9=1, i10=1, i11=2, i16=1, i24=1, i29=1)
    assert latency_percentile(histogram, q) == expected


def test_percentile_of_nothing_is_none():
    assert latency_percentile([0] * len(LATENCY_BUCKETS_US), 0.5) is None


@pytest.mark.django_db
def test_a_day_is_counted_per_key_with_its_model_time_histogram(day_log):
    counts = by_key(log_counts(start=AT, end=AT + timedelta(days=1)))
    v = day_log.version
    api = counts[(DAY, "api", "answered", "drugA", v, "active")]
    assert (api.count, api.latency_sum_us) == (10, 120_799)
    expected = buckets(i4=2, i5=1, i6=1, i9=1, i11=2, i16=1, i24=1, i29=1)
    assert api.latency_buckets == expected
    form = counts[(DAY, "form", "answered", "DrugY", v, "candidate")]
    assert (form.count, form.latency_sum_us) == (2, 13)
    rejected = counts[(DAY, "legacy", "rejected", "", "", "")]
    assert (rejected.count, rejected.latency_buckets[0]) == (2, 2)
    assert counts[(DAY, "api", "answered", "drugA", v, "shadow")].count == 1
    assert len(counts) == 4  # the next day's row is not in this day


@pytest.mark.django_db
def test_a_days_served_model_time_percentiles_leave_shadow_rows_out(day_log):
    (day,) = days_summed(daily_counts(first=DAY, last=DAY), first=DAY, last=DAY)
    assert (day.answered, day.rejected, day.shadow) == (12, 2, 1)
    assert day.latency == {"p50": 9, "p95": 100_000, "p99": 100_000}


@pytest.mark.django_db
def test_closed_days_are_counted_once_and_today_live(day_log):
    logged(timezone.now(), [5, 6])
    first = DAY - timedelta(days=1)
    days = days_summed(daily_counts(first=first, last=TODAY), first=first, last=TODAY)
    assert [d.answered for d in days] == [0, 12, 1, 0, 2]
    with CaptureQueriesContext(connection) as queries:
        again = daily_counts(first=first, last=TODAY)
    log_reads = [q["sql"] for q in queries if '"predictions_prediction"' in q["sql"]]
    assert len(log_reads) == 1, log_reads  # today's rows only
    assert len(queries) == 3  # markers, stored counts, today
    assert sum(c.count for c in again if c.day == TODAY) == 2
    stored = set(DailyRollup.objects.values_list("day", flat=True))
    assert stored == {first + timedelta(days=n) for n in range(4)}  # not today


def test_the_day_before_stays_open_during_the_grace_period(settings):
    settings.DRUGSITE_AUDIT_GRACE_SECONDS = 60
    after_midnight = datetime(2026, 11, 25, 0, 0, 30, tzinfo=UTC)
    assert str(first_open_day(after_midnight)) == "2026-11-24"
    assert str(first_open_day(after_midnight + timedelta(seconds=31))) == "2026-11-25"


@pytest.mark.django_db
def test_a_day_cannot_be_stored_twice(day_log):
    assert rollup_fill(first=DAY, last=DAY) == [DAY]
    with pytest.raises(IntegrityError):
        rollup_write([DAY], [])
    assert rollup_fill(first=DAY, last=DAY) == []
    assert sum(c.count for c in DailyCount.objects.filter(day=DAY)) == 15


@pytest.mark.django_db
def test_days_another_process_stored_meanwhile_are_left_as_it_wrote_them(day_log):
    first, last = DAY - timedelta(days=1), DAY + timedelta(days=1)
    counts = log_counts(start=AT - timedelta(days=1), end=AT + timedelta(days=2))
    rollup_write([DAY], [c for c in counts if c.day == DAY])  # the other process

    assert rollup_store([first, DAY, last], counts) == [first, last]
    assert DailyRollup.objects.count() == 3
    assert figures(DailyCount.objects.all()) == figures(counts)  # nothing twice


@pytest.mark.django_db
def test_rollup_daily_counts_the_closed_days_once_and_again_on_rebuild(day_log):
    last = TODAY - timedelta(days=1)
    out = StringIO()
    call_command("rollup_daily", stdout=out)
    assert f"Counted 3 days, {DAY} to {last}; 0 were already stored." in out.getvalue()
    stored = figures(DailyCount.objects.all())
    call_command("rollup_daily", "--since", str(DAY - timedelta(days=1)), stdout=out)
    assert (
        f"Counted 1 days, {DAY - timedelta(days=1)} to {last}; 3 were" in out.getvalue()
    )
    call_command("rollup_daily", "--rebuild", stdout=out)
    assert "Forgot the counts of 3 stored days." in out.getvalue()
    assert figures(DailyCount.objects.all()) == stored
    assert DailyRollup.objects.count() == 4


@pytest.mark.django_db
def test_rollup_daily_on_an_empty_log_counts_nothing():
    out = StringIO()
    call_command("rollup_daily", stdout=out)
    assert out.getvalue() == "No closed day to count.\n"
    assert not DailyRollup.objects.exists()


def test_rollup_daily_refuses_a_day_it_cannot_read():
    with pytest.raises(CommandError, match="'25/11/2026' is not a day: use YYYY-MM-DD"):
        call_command("rollup_daily", "--since", "25/11/2026")
