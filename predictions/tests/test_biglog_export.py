"""The CSV export of a large selection: admin's "select all" over a date filter,
streamed in pieces as the rows are read (its memory at a million rows is measured
by bench/biglog.py)."""

import csv
import io
from urllib.parse import urlencode

import pytest
from django.db import connection, transaction
from django.http import StreamingHttpResponse
from django.test.utils import CaptureQueriesContext

from predictions import export
from predictions.models import Prediction

pytestmark = pytest.mark.django_db

CHANGELIST = "/admin/predictions/prediction/"
POSTGRESQL = connection.vendor == "postgresql"


@pytest.fixture
def rows(logged) -> list[Prediction]:
    return [logged() for _ in range(30)]


def export_all(admin_client, query: str):
    """Admin's export action on every row the filter selects ("select all")."""
    return admin_client.post(
        f"{CHANGELIST}?{query}",
        {
            "action": "export_csv",
            "select_across": "1",
            "index": "0",
            "_selected_action": "0",
        },
    )


def test_select_all_of_a_date_filter_streams_every_row_in_pieces(
    admin_client, rows, monkeypatch
):
    monkeypatch.setattr(export, "CHUNK_ROWS", 4)
    monkeypatch.setattr(export, "FLUSH_CHARS", 1)  # a piece per row
    since = urlencode({"created_at__gte": rows[10].created_at.isoformat()})

    response = export_all(admin_client, since)

    assert isinstance(response, StreamingHttpResponse)
    pieces = [piece for piece in response.streaming_content if piece]
    lines = list(csv.reader(io.StringIO(b"".join(pieces).decode())))
    assert lines[0] == list(export.EXPORT_FIELDS)
    assert [int(line[0]) for line in lines[1:]] == [row.pk for row in rows[10:]]
    assert len(pieces) == len(rows[10:])  # a piece per row, written as read


def test_the_export_action_never_counts_the_whole_log(admin_client, rows):
    with CaptureQueriesContext(connection) as captured:
        response = export_all(admin_client, "channel=api")
        body = b"".join(response.streaming_content)

    assert body.count(b"\n") == len(rows) + 1
    counts = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"]]
    assert counts
    assert all("LIMIT" in sql for sql in counts)


def test_on_postgresql_the_rows_flow_from_a_cursor_in_a_transaction():
    # Outside a transaction PostgreSQL's cursor is WITH HOLD: every row computed
    # before the first is sent. SQLite's transaction would hold the write lock.
    assert isinstance(export.streamed("default"), transaction.Atomic) == POSTGRESQL
