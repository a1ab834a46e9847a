"""The audit log as CSV for auditors, streamed in constant memory.

Rows are read from the database a chunk at a time (``iterator``) and written out
as they come, so an export of a million rows holds a chunk of them, never the
file. Cells that a spreadsheet would run as a formula are escaped.
"""

import csv
import io
import json
from collections.abc import Iterator
from contextlib import nullcontext

from django.db import connections, transaction
from django.db.models import F, QuerySet
from django.http import StreamingHttpResponse

from ml import features as vocab
from predictions.models import Prediction

#: The head of every row, then the features (ml.features), then every other
#: column of the model: a column added to Prediction is exported without an edit.
#: Who asked is the row's own snapshot (user id, username, how), never the
#: account as it is today.
HEAD = (
    "id",
    "created_at",
    "outcome",
    "channel",
    "user_id",
    "username",
    "auth_method",
    "request_id",
    "correlation_id",
    "item_index",
)
EXPORT_FIELDS = (*HEAD, *vocab.FIELDS)
EXPORT_FIELDS += tuple(
    field.name
    for field in Prediction._meta.concrete_fields
    if field.name not in EXPORT_FIELDS and field.attname not in EXPORT_FIELDS
)
CHUNK_ROWS = 500  # rows fetched from the database at a time
FLUSH_CHARS = 64 * 1024  # text handed to the server at a time


def csv_response(
    queryset: QuerySet[Prediction], filename: str = "predictions.csv"
) -> StreamingHttpResponse:
    """The rows of `queryset` in id order as a streamed CSV attachment."""
    response = StreamingHttpResponse(
        csv_chunks(queryset), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def csv_chunks(queryset: QuerySet[Prediction]) -> Iterator[str]:
    """The header, then the rows, as pieces of about FLUSH_CHARS characters."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(EXPORT_FIELDS)
    # The version's name only: joining the registry row would decode its
    # manifest for every exported row.
    rows = queryset.select_related(None).annotate(
        version_name=F("model_version__version")
    )
    with streamed(queryset.db):
        for row in rows.order_by("id").iterator(chunk_size=CHUNK_ROWS):
            writer.writerow(
                [csv_value(export_value(row, name)) for name in EXPORT_FIELDS]
            )
            if buffer.tell() >= FLUSH_CHARS:
                yield drain(buffer)
    yield drain(buffer)


def streamed(alias: str):
    """On PostgreSQL, a transaction for the export's server-side cursor: outside
    one, the cursor is WITH HOLD and PostgreSQL computes every row before it sends
    the first (14 s for a million: docs/scale.md). Not on SQLite, where the
    transaction would hold the write lock that every prediction needs."""
    postgres = connections[alias].vendor == "postgresql"
    return transaction.atomic(using=alias) if postgres else nullcontext()


def drain(buffer: io.StringIO) -> str:
    """What the buffer holds, leaving it empty."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


def export_value(row: Prediction, name: str):
    """A field as auditors read it: names for relations, JSON for structures."""
    if name == "model_version":
        return row.version_name  # annotated by csv_chunks
    value = getattr(row, name)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if name == "created_at":
        return value.isoformat()
    return value


def csv_value(value) -> str:
    """One cell; guards against spreadsheet formula injection."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
