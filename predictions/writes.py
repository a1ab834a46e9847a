"""The prediction log's fast INSERT: same columns and database adaptations as the
ORM, one statement per request (or per group of requests, predictions.groupcommit),
the new ids RETURNED.

On PostgreSQL one array per column through ``unnest`` (as Django's own bulk_create
does), bound server-side so that arrays travel as parameters; on SQLite one
multi-row VALUES per chunk, on the driver's own cursor. The statement, the columns
and how each is adapted are worked out once per model and backend.
"""

import json
from contextlib import closing, nullcontext
from functools import cache

from django.db import models, transaction

CHUNK = 500  # rows per VALUES statement: well under SQLite's parameter limit


def insert_rows(connection, alias: str, model, rows: list) -> None:
    """Insert unsaved model instances, all or none, and give them their ids."""
    plan = insert_plan(model, connection)
    postgres = connection.vendor == "postgresql"
    chunks = (
        [rows]
        if postgres
        else [rows[i : i + CHUNK] for i in range(0, len(rows), CHUNK)]
    )
    atomic = transaction.atomic(using=alias) if len(chunks) > 1 else nullcontext()
    # wrap_database_errors: the driver's own errors (from the driver's cursor)
    # become Django's, which the service turns into a 503.
    with atomic, connection.wrap_database_errors, cursor_for(connection) as cursor:
        for chunk in chunks:
            columns = plan.columns(connection, chunk)
            cursor.execute(plan.statement(len(chunk)), plan.parameters(columns))
            ids = sorted(pk for (pk,) in cursor.fetchall())  # allocated in row order
            for row, pk in zip(chunk, ids, strict=True):
                row.pk, row._state.adding, row._state.db = pk, False, alias


class InsertPlan:
    """One model's INSERT on one backend: its columns, adapters and statements."""

    def __init__(self, model, connection) -> None:
        self.vendor = connection.vendor
        self.fields = [f for f in model._meta.concrete_fields if not f.primary_key]
        self.attnames = [f.attname for f in self.fields]
        self.kinds = [column_kind(f) for f in self.fields]
        quote = connection.ops.quote_name
        self.head = (
            f"INSERT INTO {quote(model._meta.db_table)} "
            f"({', '.join(quote(f.column) for f in self.fields)})"
        )
        arrays = ", ".join(f"%b::{f.db_type(connection)}[]" for f in self.fields)
        self.unnest = f"{self.head} SELECT * FROM unnest({arrays}) RETURNING id"
        self.one = "(" + ", ".join(["?"] * len(self.fields)) + ")"

    def columns(self, connection, rows: list) -> list[list]:
        """Each column's values for these rows, adapted as the ORM would send them."""
        adapt_time = connection.ops.adapt_datetimefield_value
        out = []
        for name, kind in zip(self.attnames, self.kinds, strict=True):
            values = [row.__dict__[name] for row in rows]
            if kind == "json":
                values = json_column(values)
            elif kind == "datetime":
                values = time_column(values, adapt_time)
            out.append(values)
        return out

    @cache  # noqa: B019 (plans live as long as the process, as do their statements)
    def statement(self, count: int) -> str:
        if self.vendor == "postgresql":
            return self.unnest
        return f"{self.head} VALUES {', '.join([self.one] * count)} RETURNING id"

    def parameters(self, columns: list[list]) -> list:
        if self.vendor == "postgresql":
            return columns
        return [value for row in zip(*columns, strict=True) for value in row]


PLANS: dict[tuple, InsertPlan] = {}


def insert_plan(model, connection) -> InsertPlan:
    """The plan of a model on a backend, made once per process."""
    key = (model, connection.vendor)
    plan = PLANS.get(key)
    if plan is None:
        plan = PLANS[key] = InsertPlan(model, connection)
    return plan


def column_kind(field) -> str:
    if isinstance(field, models.JSONField):
        return "json"
    if isinstance(field, models.DateTimeField):
        return "datetime"
    return "plain"


def json_column(values: list) -> list:
    """JSON text of each value; objects shared by rows (a leaf's probabilities)
    are written once."""
    memo: dict[int, str | None] = {}
    out = []
    for value in values:
        key = id(value)
        text = memo.get(key, memo)
        if text is memo:
            text = memo[key] = None if value is None else json.dumps(value)
        out.append(text)
    return out


def time_column(values: list, adapt) -> list:
    """Times as the backend takes them; a batch shares one time: adapted once."""
    last, adapted, out = object(), None, []
    for value in values:
        if value is not last:
            last, adapted = value, adapt(value)
        out.append(adapted)
    return out


def cursor_for(connection):
    """The driver's own cursor: on PostgreSQL a server-side binding psycopg cursor,
    on SQLite sqlite3's (``?`` placeholders, no Django wrapper to translate)."""
    connection.ensure_connection()
    if connection.vendor != "postgresql":
        return closing(connection.connection.cursor())
    import psycopg

    return psycopg.Cursor(connection.connection)
