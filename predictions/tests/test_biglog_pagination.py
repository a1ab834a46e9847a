"""The log's paginator: exact counts up to a bound, the database's estimate beyond
(predictions.pagination). Runs on SQLite, and on PostgreSQL with DATABASE_URL."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from predictions.models import Channel, Prediction
from predictions.pagination import EXACT_UP_TO, EstimatedCountPaginator

pytestmark = pytest.mark.django_db

POSTGRESQL = connection.vendor == "postgresql"


def write(logged, api: int, legacy: int) -> None:
    for channel, count in ((Channel.API, api), (Channel.LEGACY, legacy)):
        for _ in range(count):
            logged(channel=channel)


def analyze() -> None:
    """Statistics as autovacuum keeps them (PostgreSQL); SQLite keeps none."""
    if POSTGRESQL:
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE predictions_prediction")


def counting(captured) -> list[str]:
    return [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]]


def test_a_count_within_the_bound_is_exact_and_reads_at_most_the_bound(logged):
    write(logged, api=3, legacy=2)

    with CaptureQueriesContext(connection) as captured:
        whole = EstimatedCountPaginator(Prediction.objects.all(), 2).count
        api = EstimatedCountPaginator(Prediction.objects.filter(channel="api"), 2)

        assert (whole, api.count) == (5, 3)
    assert len(counting(captured)) == 2
    assert all(f"LIMIT {EXACT_UP_TO + 1}" in sql for sql in counting(captured))
    assert api.num_pages == 2
    assert len(api.page(2).object_list) == 1


def test_beyond_the_bound_postgresql_estimates_and_sqlite_counts(logged, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 4)
    write(logged, api=8, legacy=4)
    analyze()

    with CaptureQueriesContext(connection) as captured:
        whole = EstimatedCountPaginator(Prediction.objects.all(), 5).count
        api = EstimatedCountPaginator(Prediction.objects.filter(channel="api"), 5).count

    assert (whole, api) == (12, 8)
    unbounded = [sql for sql in counting(captured) if "LIMIT 5" not in sql]
    explained = [q for q in captured.captured_queries if q["sql"].startswith("EXPLAIN")]
    if POSTGRESQL:  # the planner's statistics, never a COUNT(*) of every row
        assert unbounded == []
        assert len(explained) == 2
    else:  # SQLite has no row estimates: it counts, as Django would
        assert len(unbounded) == 2
        assert explained == []


def test_a_page_of_an_estimated_list_holds_the_newest_rows(logged, monkeypatch):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 2)
    write(logged, api=5, legacy=0)
    analyze()
    rows = Prediction.objects.all()  # newest first (Meta.ordering)

    page = EstimatedCountPaginator(rows, 2).page(1)

    assert [row.pk for row in page] == list(rows.values_list("pk", flat=True)[:2])
    assert page.has_next()
