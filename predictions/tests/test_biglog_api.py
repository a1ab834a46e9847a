"""GET /api/v1/predictions/ at millions of rows: DRF's page shape, counted up to a
bound and estimated beyond it, never a COUNT(*) of the whole log (docs/scale.md)."""

import pytest
import yaml
from django.db import connection
from django.test.utils import CaptureQueriesContext

from predictions.models import Channel
from predictions.pagination import EXACT_UP_TO, EstimatedCountPaginator

pytestmark = pytest.mark.django_db

API = "/api/v1/predictions/"
POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def rows(logged, user, staff_user) -> None:
    """Three answers of alice's by the API, two legacy ones of nobody's."""
    for _ in range(3):
        logged(user=user)
    for _ in range(2):
        logged(channel=Channel.LEGACY)


def listed(client, query: dict) -> tuple[dict, list[str]]:
    """The page's JSON, and the SQL of the log's counts the request made."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(API, query)
        assert response.status_code == 200
    sql = [q["sql"] for q in captured.captured_queries]
    return response.json(), [
        s for s in sql if "COUNT(" in s and "predictions_prediction" in s
    ]


@pytest.mark.parametrize(
    ("who", "query", "count"),
    [
        pytest.param("staff", {}, 5, id="auditor-every-row"),
        pytest.param("user", {}, 3, id="clinician-own-rows"),
        pytest.param("staff", {"channel": "legacy"}, 2, id="channel"),
        pytest.param("staff", {"drug": "DRUGC"}, 5, id="drug-any-case"),
        pytest.param(
            "staff", {"created_after": "2000-01-01T00:00:00Z"}, 5, id="created-after"
        ),
    ],
)
def test_the_list_counts_exactly_up_to_the_bound(
    rows, staff_client, user_client, who, query, count
):
    client = staff_client if who == "staff" else user_client

    body, counts = listed(client, query)

    assert set(body) == {"count", "next", "previous", "results"}
    assert body["count"] == count == len(body["results"])
    assert len(counts) == 1
    assert f"LIMIT {EXACT_UP_TO + 1}" in counts[0]


def test_beyond_the_bound_postgresql_answers_its_estimate(
    rows, staff_client, monkeypatch
):
    monkeypatch.setattr(EstimatedCountPaginator, "exact_up_to", 2)
    monkeypatch.setattr("predictions.pagination.LogPagination.page_size", 2)
    if POSTGRESQL:  # statistics, as autovacuum keeps them
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE predictions_prediction")

    body, counts = listed(staff_client, {})

    assert body["count"] == 5
    assert len(body["results"]) == 2
    assert body["next"].endswith("?page=2")
    unbounded = [sql for sql in counts if "LIMIT 3" not in sql]
    # PostgreSQL estimates; SQLite, meant for small logs, counts as Django would.
    assert len(unbounded) == (0 if POSTGRESQL else 1)


def test_the_schema_says_how_the_list_is_counted(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    schemas = yaml.safe_load(response.content)["components"]["schemas"]

    count = schemas["PaginatedPredictionList"]["properties"]["count"]

    assert count["type"] == "integer"
    assert f"exact up to {EXACT_UP_TO:,}" in count["description"]
    assert "estimate" in count["description"]
