"""The prediction log's fast INSERT: same columns and database adaptations as the
ORM, one statement per request (or per group of requests, predictions.groupcommit),
and the new ids.

On PostgreSQL a few rows (a request's, a group's) as a multi-row VALUES of typed
scalars, and more as one array per column through ``unnest`` (as Django's own
bulk_create does), bound server-side: psycopg writes an array in Python, which for
one row costs more than the rest of the INSERT; the ids come back by RETURNING.
On SQLite one multi-row VALUES per chunk, on the driver's own cursor, and no
RETURNING: its rows would be fetched one step at a time, each step giving up and
taking back the GIL while the writer's lock is held, and under load each took
back late. The ids are counted back from the last one the statement gave.
The statement, the columns and how each is adapted are worked out once per model
and backend.
"""

import operator
from collections import deque
from contextlib import closing, nullcontext
from functools import cache
from itertools import chain, repeat
from operator import attrgetter, itemgetter

from django.db import models, transaction

from predictions.logjson import json_column

# Rows per VALUES statement. Each of a worker's threads has its own SQLite
# connection, which keeps the statements it prepared, about 1 kB a row: 500-row
# statements held 11 MB more per worker than these in `make bench`, at the
# same batch speed.
CHUNK = 100
ARRAYS_FROM = 16  # rows: from this many, PostgreSQL is sent one array per column
NO_TURN = nullcontext()


def insert_rows(connection, alias: str, model, rows: list, turn=NO_TURN) -> None:
    """Insert unsaved model instances, all or none, and give them their ids.

    `turn` is held while the statements run, and only then: the rows are adapted
    before it and given their ids after it (predictions.writerlock)."""
    plan = insert_plan(model, connection)
    columns = plan.columns(connection, rows)
    chunks = [(0, len(rows))] if plan.vendor == "postgresql" else chunked(len(rows))
    statements = [
        (plan.statement(end - start), plan.parameters([c[start:end] for c in columns]))
        for start, end in chunks
    ]
    # Several statements: one transaction, or the caller's (no savepoint: if one
    # fails, the caller's transaction can only be rolled back).
    atomic = (
        transaction.atomic(using=alias, savepoint=False)
        if len(chunks) > 1
        else nullcontext()
    )
    # wrap_database_errors: the driver's own errors (from the driver's cursor)
    # become Django's, which the service turns into a 503.
    with (
        connection.wrap_database_errors,
        cursor_for(connection) as cursor,
        turn,
        atomic,
    ):
        found = [plan.run(cursor, *statement) for statement in statements]
    for (start, end), ids in zip(chunks, found, strict=True):
        saved(model, rows[start:end], ids, alias)


def chunked(count: int) -> list[tuple[int, int]]:
    """Where each VALUES statement starts and ends: CHUNK rows, then the rest in
    powers of two. SQLite's driver keeps each statement it prepares (128 per
    connection, about 1 kB a row): batches of every size would keep a statement
    of every size; these are 8 at most."""
    ends = list(range(CHUNK, count + 1, CHUNK))
    rest, start = count % CHUNK, count - count % CHUNK
    for bit in reversed(range(rest.bit_length())):
        if rest >> bit & 1:
            start += 1 << bit
            ends.append(start)
    return list(zip([0, *ends], ends, strict=False))  # none for no rows


def saved(model, rows: list, ids: list[int], alias: str) -> None:
    """Give inserted rows their ids, and mark them saved to `alias`."""
    if model._meta.parents:  # a parent's link shares the id: Django sets both
        for row, pk in zip(rows, ids, strict=True):
            row.pk = pk
    else:
        column = map(vars, rows), repeat(model._meta.pk.attname), ids
        deque(map(operator.setitem, *column), maxlen=0)
    states = list(map(attrgetter("_state"), rows))
    deque(map(setattr, states, repeat("adding"), repeat(False)), maxlen=0)
    deque(map(setattr, states, repeat("db"), repeat(alias)), maxlen=0)


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
        self.one = (
            "(" + ", ".join(f"%s::{f.db_type(connection)}" for f in self.fields) + ")"
            if self.vendor == "postgresql"
            else "(" + ", ".join(["?"] * len(self.fields)) + ")"
        )

    def columns(self, connection, rows: list) -> list[list]:
        """Each column's values for these rows, adapted as the ORM would send them."""
        adapt_time = connection.ops.adapt_datetimefield_value
        dicts = [row.__dict__ for row in rows]
        out = []
        for name, kind in zip(self.attnames, self.kinds, strict=True):
            values = list(map(itemgetter(name), dicts))
            if kind == "json":
                values = json_column(values)
            elif kind == "datetime":
                values = time_column(values, adapt_time)
            out.append(values)
        return out

    @cache  # noqa: B019 (plans live as long as the process, as do their statements)
    def statement(self, count: int) -> str:
        if self.arrays(count):
            return self.unnest
        returning = " RETURNING id" if self.vendor == "postgresql" else ""
        return f"{self.head} VALUES {', '.join([self.one] * count)}{returning}"

    def run(self, cursor, statement: str, parameters: list) -> list[int]:
        """Execute one INSERT; the ids it gave, in row order."""
        cursor.execute(statement, parameters)
        if self.vendor == "postgresql":
            return sorted(pk for (pk,) in cursor.fetchall())  # allocated in row order
        # SQLite: one step, no rows to fetch. AUTOINCREMENT gives a statement's
        # rows the ids after the largest ever given, one by one, in row order.
        last, count = cursor.lastrowid, len(parameters) // len(self.fields)
        return list(range(last - count + 1, last + 1))

    def parameters(self, columns: list[list]) -> list:
        if self.arrays(len(columns[0])):
            return columns
        return list(chain.from_iterable(zip(*columns, strict=True)))

    def arrays(self, count: int) -> bool:
        """Whether `count` rows are sent as one array per column (``unnest``)."""
        return self.vendor == "postgresql" and count >= ARRAYS_FROM


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
