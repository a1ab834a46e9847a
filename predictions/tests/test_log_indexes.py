"""The log's indexes: what lookups need, and nothing an INSERT pays for in vain."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from ml.reference import TUTORIAL_DEFAULT
from predictions.models import Prediction
from predictions.tests.log_rows import log_rows

pytestmark = pytest.mark.django_db

BEFORE, AFTER = "0012_fewer_log_indexes", "0013_request_id_index"


def indexes() -> dict[str, dict]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(
            cursor, "predictions_prediction"
        )
    return {name: c for name, c in found.items() if c["index"] and not c["primary_key"]}


def indexed_columns() -> list[list[str]]:
    return [c["columns"] for c in indexes().values()]


def migrated_to(name: str) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate([("predictions", name)])


def test_user_alone_and_drug_have_no_index_of_their_own():
    columns = indexed_columns()

    assert ["drug"] not in columns
    assert ["user_id"] not in columns
    assert ["user_id", "created_at"] in columns  # serves every lookup by user


def test_the_lookups_the_log_pages_make_keep_their_indexes():
    columns = indexed_columns()

    for kept in (["created_at"], ["request_id"], ["model_version_id"], ["username"]):
        assert kept in columns


def test_no_column_has_a_pattern_ops_copy():
    """A LIKE 'x%' index, which PostgreSQL gets for a CharField's db_index, serves
    no lookup of the log: each column is indexed once."""
    single = [columns for columns in indexed_columns() if len(columns) == 1]
    partial = {"predictions_correlation_idx", "predictions_rejected_idx"}
    plain = [c["columns"] for n, c in indexes().items() if n not in partial]

    assert "predictions_request_id_idx" in indexes()
    assert len(plain) == len({tuple(columns) for columns in plain}), plain
    assert single.count(["request_id"]) == 1


@pytest.mark.django_db(transaction=True)
def test_migration_0013_keeps_request_id_indexed_both_ways(flushable):
    (row,) = log_rows(None, [TUTORIAL_DEFAULT])
    try:
        migrated_to(BEFORE)
        before = indexes()
        assert [c["columns"] for c in before.values()].count(["request_id"]) == (
            2 if connection.vendor == "postgresql" else 1  # and its pattern-ops copy
        )
        assert "predictions_request_id_idx" not in before
    finally:
        migrated_to(AFTER)
    after = indexes()
    assert after["predictions_request_id_idx"]["columns"] == ["request_id"]
    assert indexed_columns().count(["request_id"]) == 1
    assert Prediction.objects.get(request_id=row.request_id).pk == row.pk
