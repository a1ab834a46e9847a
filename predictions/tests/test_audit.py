"""Row hashes: one canonical form, the same before the INSERT and read back from
SQLite or PostgreSQL, covering every column."""

import datetime as dt

import pytest
from django.db import models

from predictions.audit.canonical import canonical_json
from predictions.audit.rowhash import row_hashes_set
from predictions.audit.sealing import hasher, log_rows
from predictions.models import Prediction
from predictions.tests.test_writes import FIELDS, batch_of

#: Values a JSON column must keep: jsonb turns 1e300 into an integer and -0.0
#: into 0.0, and reorders keys; SQLite keeps the text as sent.
TRICKY_JSON = [
    {"z": 1e300, "a": -0.0, "m": [1e-7, 0.1 + 0.2, 10**20, 1e16, 2.5, 3]},
    ['é✓☃ "q" \\ \n\t€', None, True, False, {}, [], {"": {"x": -1.5e-7}}],
    {"DrugY": 1.0, "drugA": 0.0, "drugB": 0.3333333333333333},
]
#: The columns that are NOT NULL. One added later would give every old row a
#: value its hash never covered: new audited columns are nullable (docs/audit.md).
NOT_NULL = frozenset(
    {
        "auth_method",
        "bp",
        "channel",
        "cholesterol",
        "correlation_id",
        "created_at",
        "drug",
        "explanation",
        "id",
        "item_index",
        "latency_us",
        "near_boundary",
        "outcome",
        "probabilities",
        "request_id",
        "row_hash",
        "sex",
        "username",
        "warnings",
    }
)


@pytest.mark.parametrize(
    ("written", "read_back"),
    [
        pytest.param(1e300, 10**300, id="jsonb-big-float"),
        pytest.param(1e16, 10**16, id="jsonb-float-with-exponent"),
        pytest.param(-0.0, 0.0, id="jsonb-negative-zero"),
        pytest.param({"b": 1, "a": 2}, {"a": 2, "b": 1}, id="key-order"),
        pytest.param((1, "x"), [1, "x"], id="tuple"),
        pytest.param({1: "x"}, {"1": "x"}, id="integer-key"),
    ],
)
def test_json_the_databases_give_back_differently_is_written_alike(written, read_back):
    assert canonical_json(written) == canonical_json(read_back)


@pytest.mark.parametrize(
    ("one", "other"),
    [
        pytest.param(0.1, 0.10000000000000002, id="next-float"),
        pytest.param(1.0, 1, id="float-or-integer"),
        pytest.param(1, "1", id="number-or-text"),
        pytest.param(10**30, 10**30 + 1, id="big-integers"),
        pytest.param(None, "null", id="null-or-text"),
        pytest.param(True, 1, id="true-or-one"),
    ],
)
def test_different_json_values_are_written_differently(one, other):
    assert canonical_json(one) != canonical_json(other)


def test_canonical_json_sorts_keys_and_leaves_no_spaces():
    value = {"b": [1.5, None, True, 2.0, 1e-07], "a": "é"}

    assert canonical_json(value) == '{"a":"\\u00e9","b":[1.5,null,true,2.0,1e-07]}'


def tricky_batch(size: int, user, active_model, *, nulls: bool) -> list[dict]:
    """Values for every column (from test_writes), the JSON ones hard to keep."""
    related = {user._meta.model: user, active_model._meta.model: active_model}
    batch = batch_of(size, related, nulls=nulls)
    json_fields = [f.name for f in FIELDS if isinstance(f, models.JSONField)]
    for index, values in enumerate(batch):
        for name in json_fields:
            if values[name] is not None:
                values[name] = TRICKY_JSON[index % len(TRICKY_JSON)]
    return batch


def hashes_read_back(rows: list[Prediction]) -> list[str]:
    """Each row's hash computed afresh from its columns as the database gives them."""
    first = min(row.pk for row in rows)
    fresh = {pk: hasher().of_values(values) for pk, _, *values in log_rows(first)}
    return [fresh[row.pk] for row in rows]


@pytest.mark.django_db
@pytest.mark.parametrize("nulls", [False, True], ids=["values", "nulls"])
def test_rows_written_by_the_fast_insert_hash_alike_read_back(
    nulls, user, active_model
):
    rows = [
        Prediction.new(**values)
        for values in tricky_batch(7, user, active_model, nulls=nulls)
    ]
    row_hashes_set(rows)

    Prediction.objects.insert_many(rows)

    assert hashes_read_back(rows) == [row.row_hash for row in rows]


@pytest.mark.django_db
@pytest.mark.parametrize("nulls", [False, True], ids=["values", "nulls"])
def test_rows_written_by_the_orm_hash_alike_read_back(nulls, user, active_model):
    rows = [
        Prediction(**values)
        for values in tricky_batch(3, user, active_model, nulls=nulls)
    ]
    row_hashes_set(rows)

    for row in rows:
        row.save(force_insert=True)

    assert hashes_read_back(rows) == [row.row_hash for row in rows]


def changed(value):
    """Another value of the same kind (a value for a NULL)."""
    if value is None:
        return 1
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, dt.datetime):
        return value + dt.timedelta(microseconds=1)
    if isinstance(value, list):
        return [*value, 0]
    return {**value, "added": 0}


def test_a_change_to_any_column_changes_the_row_hash(logged, user):
    row = logged(user=user, correlation_id="c-1")
    values = [getattr(row, name) for name in hasher().attnames]
    assert hasher().of_values(values) == row.row_hash

    for index, name in enumerate(hasher().attnames):
        altered = [*values[:index], changed(values[index]), *values[index + 1 :]]
        assert hasher().of_values(altered) != row.row_hash, name


def test_every_column_but_the_id_and_the_hash_is_hashed():
    columns = {field.attname for field in Prediction._meta.concrete_fields}

    assert set(hasher().attnames) == columns - {"id", "row_hash"}


def test_new_log_columns_are_nullable_so_old_rows_keep_their_hashes():
    not_null = {f.column for f in Prediction._meta.concrete_fields if not f.null}

    assert not_null <= NOT_NULL, (
        f"{sorted(not_null - NOT_NULL)}: a NOT NULL column gives every old row a "
        "value its row_hash never covered; add it with null=True (docs/audit.md)"
    )
