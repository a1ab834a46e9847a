"""The prediction log's fast INSERT: same columns and database adaptations as the
ORM, one statement per request, the new ids RETURNED.

On PostgreSQL one array per column through ``unnest`` (as Django's own bulk_create
does), bound server-side so that arrays travel as parameters; elsewhere one
multi-row VALUES per chunk.
"""

import json
from contextlib import nullcontext

from django.db import models, transaction

CHUNK = 500  # rows per VALUES statement: well under SQLite's parameter limit


def insert_rows(connection, alias: str, model, rows: list) -> None:
    """Insert unsaved model instances, all or none, and give them their ids."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    adapt = [column_adapter(f, connection) for f in fields]
    postgres = connection.vendor == "postgresql"
    chunks = (
        [rows]
        if postgres
        else [rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK)]
    )
    atomic = transaction.atomic(using=alias) if len(chunks) > 1 else nullcontext()
    # wrap_database_errors: the driver's own errors (from the binding cursor)
    # become Django's, which the service turns into a 503.
    with atomic, connection.wrap_database_errors, cursor_for(connection) as cursor:
        for chunk in chunks:
            columns = [
                [to_db(getattr(row, f.attname)) for row in chunk]
                for f, to_db in zip(fields, adapt, strict=True)
            ]
            cursor.execute(*insert_statement(connection, model, fields, columns))
            ids = sorted(pk for (pk,) in cursor.fetchall())  # allocated in row order
            for row, pk in zip(chunk, ids, strict=True):
                row.pk, row._state.adding, row._state.db = pk, False, alias


def insert_statement(
    connection, model, fields, columns: list[list]
) -> tuple[str, list]:
    """INSERT ... RETURNING id for these column values, in the backend's best form."""
    quote = connection.ops.quote_name
    head = (
        f"INSERT INTO {quote(model._meta.db_table)} "
        f"({', '.join(quote(f.column) for f in fields)})"
    )
    if connection.vendor == "postgresql":
        arrays = ", ".join(f"%b::{f.db_type(connection)}[]" for f in fields)
        return f"{head} SELECT * FROM unnest({arrays}) RETURNING id", columns
    rows = list(zip(*columns, strict=True))
    one = "(" + ", ".join(["%s"] * len(fields)) + ")"
    values = ", ".join([one] * len(rows))
    return f"{head} VALUES {values} RETURNING id", [v for row in rows for v in row]


def cursor_for(connection):
    """Django's cursor; on PostgreSQL a server-side binding psycopg cursor."""
    if connection.vendor != "postgresql":
        return connection.cursor()
    import psycopg

    connection.ensure_connection()
    return psycopg.Cursor(connection.connection)


def column_adapter(field, connection):
    """How a Python value of `field` goes to the database, as the ORM would send it."""
    if isinstance(field, models.JSONField):
        memo: dict[int, str] = {}  # objects shared by rows (a leaf's probabilities)

        def to_json(value):
            if value is None:
                return None
            key = id(value)
            if key not in memo:
                memo[key] = json.dumps(value)
            return memo[key]

        return to_json
    if isinstance(field, models.DateTimeField):
        adapt, last = connection.ops.adapt_datetimefield_value, [None, None]

        def to_datetime(value):  # a batch shares one time: adapt it once
            if value is not last[0]:
                last[:] = [value, adapt(value)]
            return last[1]

        return to_datetime
    return lambda value: value
