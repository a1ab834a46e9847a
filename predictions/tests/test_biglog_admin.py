"""The log's admin list at millions of rows: no COUNT(*) of the whole log, no
SELECT DISTINCT over it, searches that an index answers (docs/scale.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ml import features as vocab
from predictions.models import Channel, Prediction
from predictions.pagination import EXACT_UP_TO, EstimatedCountPaginator

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/predictions/prediction/"
POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def rows(logged, user) -> list[Prediction]:
    """Four answers: alice's two by the API, two anonymous legacy ones."""
    return [
        logged(user=user, request_id="req-api-1"),
        logged(user=user, request_id="req-api-2", correlation_id="corr-9"),
        logged(channel=Channel.LEGACY, request_id="req-legacy-1"),
        logged(channel=Channel.LEGACY, request_id="req-legacy-2"),
    ]


def changelist(admin_client, query: dict) -> tuple[set[int], list[str]]:
    """The ids shown, and the SQL of every query the page made."""
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(CHANGELIST, query)
        assert response.status_code == 200
    shown = {row.pk for row in response.context["cl"].result_list}
    return shown, [q["sql"] for q in captured.captured_queries]


def log_counts(queries: list[str]) -> list[str]:
    return [
        sql for sql in queries if "COUNT(" in sql and "predictions_prediction" in sql
    ]


@pytest.mark.parametrize(
    "query",
    [
        pytest.param({}, id="first-page"),
        pytest.param({"channel": "legacy"}, id="channel"),
        pytest.param({"drug": "drugC"}, id="drug"),
        pytest.param({"outcome": "answered"}, id="outcome"),
        pytest.param({"q": "req-api-1"}, id="search"),
        pytest.param({"near_boundary__exact": "0"}, id="near-boundary"),
    ],
)
def test_the_changelist_counts_at_most_the_bound(admin_client, rows, query):
    shown, queries = changelist(admin_client, query)

    assert shown
    assert log_counts(queries)
    assert all(f"LIMIT {EXACT_UP_TO + 1}" in sql for sql in log_counts(queries))


def test_beyond_the_bound_the_whole_log_is_never_counted_on_postgresql(
    admin_client, rows, monkeypatch
):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 2)
    if POSTGRESQL:  # statistics, as autovacuum keeps them
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE predictions_prediction")

    shown, queries = changelist(admin_client, {})

    assert shown == {row.pk for row in rows}
    unbounded = [sql for sql in log_counts(queries) if "LIMIT 3" not in sql]
    # PostgreSQL estimates; SQLite, meant for small logs, counts as Django would.
    assert len(unbounded) == (0 if POSTGRESQL else 1)


def test_the_changelist_lists_no_distinct_values_of_the_log(admin_client, rows):
    with CaptureQueriesContext(connection) as captured:
        response = admin_client.get(CHANGELIST)

    assert not [q for q in captured.captured_queries if "DISTINCT" in q["sql"]]
    drugs = next(f for f in response.context["cl"].filter_specs if f.title == "drug")
    assert [choice for choice, _ in drugs.lookup_choices] == list(vocab.LABELS)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        pytest.param("req-legacy-2", [3], id="request-id"),
        pytest.param("corr-9", [1], id="correlation-id"),
        pytest.param("alice", [0, 1], id="username"),
        pytest.param("req-legacy", [], id="part-of-an-id-finds-nothing"),
    ],
)
def test_the_search_matches_whole_ids_and_usernames(admin_client, rows, q, expected):
    shown, queries = changelist(admin_client, {"q": q})

    assert shown == {rows[i].pk for i in expected}
    assert not [sql for sql in queries if "LIKE" in sql.upper()]
