"""Append-only in the database: raw SQL cannot change or delete log rows."""

import pytest
from django.db import IntegrityError, connection, transaction

from predictions.audit.triggers import (
    TABLES,
    triggers_drop,
    triggers_missing,
    triggers_reinstall,
)
from predictions.models import AuditCheckpoint, Prediction

POSTGRES = connection.vendor == "postgresql"
STATEMENTS = [
    pytest.param("UPDATE {table} SET id = id", "UPDATE", id="update"),
    pytest.param("DELETE FROM {table}", "DELETE", id="delete"),
]
if POSTGRES:  # SQLite has no TRUNCATE: the case exists only where the statement does
    # CASCADE: past the foreign keys of the outcome table, to the trigger itself.
    STATEMENTS.append(
        pytest.param("TRUNCATE {table} CASCADE", "TRUNCATE", id="truncate")
    )


def refusal(sql: str, params=None) -> str:
    """The database's message refusing `sql`, which must fail."""
    with connection.cursor() as cursor:
        if POSTGRES:  # else TRUNCATE stops at the test's own pending FK checks
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        with pytest.raises(IntegrityError) as refused, transaction.atomic():
            cursor.execute(sql, params)
    return str(refused.value)


@pytest.fixture
def audited_rows(sealed_row, user):
    """A row in every audited table: a sealed log row, its outcome, a model change."""
    from ml.models import ModelChange
    from predictions.models import RecordedOutcome

    RecordedOutcome.objects.create(
        prediction=sealed_row, drug="drugC", source="api", username="alice"
    )
    ModelChange.objects.create(
        action="activate", version=sealed_row.model_version, reason="for the test"
    )
    return sealed_row


@pytest.mark.parametrize(("statement", "operation"), STATEMENTS)
@pytest.mark.parametrize("table", sorted(TABLES))
def test_raw_sql_cannot_change_or_delete_audited_rows(
    table, statement, operation, audited_rows
):
    message = refusal(statement.format(table=table))

    assert f"{table} is an append-only audit log: {operation} refused" in message
    row = audited_rows
    assert Prediction.objects.filter(pk=row.pk, drug=row.drug).exists()
    assert AuditCheckpoint.objects.count() == 1


def test_the_orm_cannot_change_or_delete_log_rows_either(sealed_row):
    with pytest.raises(IntegrityError, match="UPDATE refused"), transaction.atomic():
        Prediction.objects.filter(pk=sealed_row.pk).update(drug="drugX")
    with pytest.raises(IntegrityError, match="DELETE refused"), transaction.atomic():
        Prediction.objects.filter(pk=sealed_row.pk).delete()

    assert Prediction.objects.get(pk=sealed_row.pk).drug == sealed_row.drug


def test_insert_or_replace_cannot_overwrite_a_row_on_sqlite(sealed_row):
    if POSTGRES:  # PostgreSQL has no INSERT OR REPLACE; its UPDATE trigger holds
        message = refusal("UPDATE predictions_prediction SET id = id")
        assert "UPDATE refused" in message
        return
    message = refusal(
        "INSERT OR REPLACE INTO predictions_prediction SELECT * FROM "
        "predictions_prediction WHERE id = %s",
        [sealed_row.pk],
    )

    assert "INSERT OR REPLACE of an existing row refused" in message


def test_new_rows_are_still_written(sealed_row, logged):
    logged()

    assert Prediction.objects.count() == 2


def test_deleting_a_user_keeps_their_rows_as_they_were(sealed_row, user):
    user_id = user.pk

    user.delete()

    kept = Prediction.objects.get(pk=sealed_row.pk)
    assert (kept.user_id, kept.username, kept.row_hash) == (
        user_id,
        "alice",
        sealed_row.row_hash,
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE predictions_prediction SET drug = 'x'",
        "DELETE FROM predictions_prediction",
        *(["TRUNCATE predictions_prediction CASCADE"] if POSTGRES else []),
    ],
)
def test_a_statement_that_changes_no_row_passes(statement):
    with connection.cursor() as cursor:
        cursor.execute(statement)

    assert not Prediction.objects.exists()


def test_the_triggers_are_installed_by_migrate(db):
    assert triggers_missing(connection) == []


def test_missing_triggers_are_named_and_put_back_after_migrate(db):
    triggers_drop(connection)
    assert len(triggers_missing(connection)) >= len(TABLES)

    triggers_reinstall(sender=None, using=connection.alias)

    assert triggers_missing(connection) == []
