"""The log's fast INSERT (``Prediction.new`` + ``insert_many``) writes as the ORM does.

Test values come from ``Prediction._meta.concrete_fields``, one generator per field
type, so a column added to the model is covered without editing this file (or
fails here, naming it, until its type has a generator).
"""

import datetime as dt
from functools import cache
from unittest.mock import patch

import pytest
from django.db import connection, models

from ml.reference import EXAMPLES
from predictions import writes
from predictions.models import AuthMethod, Channel, Prediction
from predictions.origin import Origin
from predictions.services import prediction_create

FIELDS = [field for field in Prediction._meta.concrete_fields if not field.primary_key]
TEXT = 'é✓☃ "q" \\ \n\t€'  # unicode and characters JSON and SQL must escape
WHEN = dt.datetime(2031, 5, 17, 23, 45, 59, 123456, tzinfo=dt.UTC)
INDIA = dt.timezone(dt.timedelta(hours=5, minutes=30))
# Prediction.new reads model_version.pk, so the fast path cannot log it as NULL
# (see test_insert_many_writes_a_null_model_version_as_the_orm_does).
NOT_NULL_IN_NEW = {"model_version"}


@cache  # rows of one key share one object, like a request's rows share its time
def json_value(key: int) -> dict | list:
    nested = {"ü ☃": [key, 0.1 + 0.2, -1.5e-7, 1e300, None, True], "": {TEXT: TEXT}}
    return [nested, [], {}, "x", 2.5] if key % 2 else nested


@cache
def moment(key: int) -> dt.datetime:
    """UTC with microseconds; odd keys in another zone, which must be converted."""
    when = WHEN + dt.timedelta(days=key, microseconds=key)
    return when.astimezone(INDIA) if key % 2 else when


def value_for(field: models.Field, index: int, related: dict):
    """A valid value of `field` for the `index`th row, distinct from other rows'."""
    kind = field.get_internal_type()
    if field.is_relation:
        if field.related_model not in related:
            pytest.fail(f"no row for {field.name} to point at: add one to `related`")
        return related[field.related_model]
    if field.choices:
        choices = [value for value, _ in field.flatchoices]
        return choices[index % len(choices)]
    if isinstance(field, models.JSONField):
        return json_value(index // 2)
    if isinstance(field, models.DateTimeField):
        return moment(index // 2)
    if isinstance(field, models.BooleanField):
        return index % 2 == 0
    if isinstance(field, models.FloatField):
        return index + 1 / 3
    if isinstance(field, models.IntegerField):
        return connection.ops.integer_field_range(kind)[1] - index
    if isinstance(field, models.CharField | models.TextField):
        return f"{index}{TEXT}"[: field.max_length]
    pytest.fail(f"no test value for {field.name} ({kind}): add one to value_for")


def batch_of(size: int, related: dict, *, nulls: bool = False) -> list[dict]:
    """Keyword arguments for `size` rows; with `nulls`, None in every nullable field."""
    return [
        {
            field.name: None
            if nulls and field.null and field.name not in NOT_NULL_IN_NEW
            else value_for(field, index, related)
            for field in FIELDS
        }
        for index in range(size)
    ]


def attributes(rows: list[Prediction]) -> list[dict]:
    return [
        {field.attname: getattr(row, field.attname) for field in FIELDS} for row in rows
    ]


def stored(rows: list[Prediction]) -> list[dict]:
    """The rows' columns as the database keeps them: no ORM, no driver converters.

    Every column of the table, not of the model. On SQLite ``+column`` hides the
    declared type from the converters Django registers (datetime, bool), which
    would parse "2031-05-17T23:45" and "2031-05-17 23:45" alike; the storage class
    (TEXT, INTEGER, REAL, NULL) still shows as the Python type.
    """
    ids = [row.pk for row in rows]
    quote, table = connection.ops.quote_name, Prediction._meta.db_table
    plain = "+" if connection.vendor == "sqlite" else ""
    with connection.cursor() as cursor:
        names = [
            column.name
            for column in connection.introspection.get_table_description(cursor, table)
        ]
        cursor.execute(
            f"SELECT {', '.join(plain + quote(name) for name in names)}"
            f" FROM {quote(table)} WHERE id IN ({', '.join(['%s'] * len(ids))})",
            ids,
        )
        by_id = {
            row[names.index("id")]: dict(zip(names, row, strict=True)) for row in cursor
        }
    assert sorted(by_id) == sorted(ids)
    return [{k: v for k, v in by_id[pk].items() if k != "id"} for pk in ids]


def read_back(rows: list[Prediction]) -> list[dict]:
    """The rows' columns as the ORM reads them."""
    by_id = {
        row.pop("id"): row
        for row in Prediction.objects.filter(pk__in=[r.pk for r in rows]).values()
    }
    return [by_id[row.pk] for row in rows]


def differing_columns(orm: list[dict], fast: list[dict]) -> dict[str, str]:
    """Each column written differently by the fast path, with its first difference."""
    differences = {}
    for index, (want, got) in enumerate(zip(orm, fast, strict=True)):
        for column in sorted(want.keys() | got.keys()):
            expected, actual = want.get(column, "<absent>"), got.get(column, "<absent>")
            if repr(expected) != repr(actual):
                differences.setdefault(
                    column, f"row {index}: ORM {expected!r}, fast path {actual!r}"
                )
    return differences


def assert_alike(orm: list[dict], fast: list[dict], what: str) -> None:
    differences = differing_columns(orm, fast)
    assert not differences, f"{what} differ in {sorted(differences)}: {differences}"


def assert_written_alike(orm: list[Prediction], fast: list[Prediction]) -> None:
    assert {row.pk for row in orm}.isdisjoint(row.pk for row in fast)
    raw = stored(orm)
    assert set(raw[0]) == {field.column for field in FIELDS}
    assert_alike(raw, stored(fast), "stored columns")
    assert_alike(read_back(orm), read_back(fast), "columns read by the ORM")


@pytest.mark.django_db
@pytest.mark.parametrize("nulls", [False, True], ids=["values", "nulls"])
@pytest.mark.parametrize("size", [1, 7, writes.ARRAYS_FROM, writes.CHUNK + 1])
def test_insert_many_writes_every_column_as_the_orm_does(
    size, nulls, user, active_model
):
    related = {user._meta.model: user, active_model._meta.model: active_model}
    batch = batch_of(size, related, nulls=nulls)
    orm = [Prediction.objects.create(**values) for values in batch]
    fast = [Prediction.new(**values) for values in batch]
    assert_alike(attributes(orm), attributes(fast), "attributes of the new rows")

    Prediction.objects.insert_many(fast)

    assert Prediction.objects.count() == 2 * size
    assert_written_alike(orm, fast)


@pytest.mark.django_db
def test_insert_many_writes_a_null_model_version_as_the_orm_does(user, active_model):
    related = {user._meta.model: user, active_model._meta.model: None}
    (values,) = batch_of(1, related)
    orm = Prediction.objects.create(**values)
    fast = Prediction.new(**values)

    Prediction.objects.insert_many([fast])

    assert_written_alike([orm], [fast])


@pytest.mark.django_db
def test_prediction_create_writes_what_the_orm_writes_for_the_same_arguments(
    user, active_model
):
    calls, new_rows = [], Prediction.new_rows

    def spy(*, user, model_version, common, each):
        """Prediction.new_rows, keeping each row's arguments as the ORM takes them."""
        each = [dict(own) for own in each]
        calls.extend(
            {**common, **own, "user": user, "model_version": model_version}
            for own in each
        )
        return new_rows(
            user=user, model_version=model_version, common=common, each=each
        )

    with patch.object(Prediction, "new_rows", side_effect=spy):
        fast = prediction_create(
            records=[record for record, _ in EXAMPLES],
            channel=Channel.API,
            origin=Origin.of(
                user=user, auth_method=AuthMethod.TOKEN, request_id="request-1"
            ),
        )
    # The service hashes each new row before the INSERT; the ORM is given the hash.
    orm = [
        Prediction.objects.create(**kwargs, row_hash=row.row_hash)
        for kwargs, row in zip(calls, fast, strict=True)
    ]

    assert_written_alike(orm, fast)


class Turn:
    """A writer's turn that records what the rows were when it began and ended."""

    def __init__(self, rows: list[Prediction]) -> None:
        self.rows, self.seen = rows, {}

    def __enter__(self):
        self.seen["ids at the start"] = [row.pk for row in self.rows]
        self.seen["stored at the start"] = Prediction.objects.count()

    def __exit__(self, *exc) -> None:
        self.seen["ids at the end"] = [row.pk for row in self.rows]
        self.seen["stored at the end"] = Prediction.objects.count()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", [1, writes.CHUNK + 3])
def test_the_writers_turn_covers_the_insert_and_its_commit_only(
    size, user, active_model, flushable
):
    related = {user._meta.model: user, active_model._meta.model: active_model}
    rows = [Prediction.new(**values) for values in batch_of(size, related)]
    turn = Turn(rows)

    writes.insert_rows(connection, "default", Prediction, rows, turn)

    assert turn.seen == {
        "ids at the start": [None] * size,
        "stored at the start": 0,
        "ids at the end": [None] * size,  # given once the turn is over
        "stored at the end": size,  # written within it
    }
    assert [row["request_id"] for row in read_back(rows)] == [
        row.request_id for row in rows
    ]


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "sqlite", reason="SQLite's ids are counted, not RETURNED"
)
def test_ids_follow_a_row_written_with_an_id_of_its_own(user, active_model, flushable):
    """SQLite: the ids a statement gave are counted back from the last; after a
    row given a high id by hand, the next rows' ids follow it."""
    related = {user._meta.model: user, active_model._meta.model: active_model}
    by_hand = Prediction.new(**batch_of(1, related)[0])
    by_hand.pk = 10_000
    by_hand.save(force_insert=True)
    rows = [Prediction.new(**values) for values in batch_of(5, related)]

    Prediction.objects.insert_many(rows)

    assert [row.pk for row in rows] == list(range(10_001, 10_006))
    assert [row["request_id"] for row in read_back(rows)] == [
        row.request_id for row in rows
    ]
