"""Append-only in the database: triggers that refuse UPDATE, DELETE and TRUNCATE.

PostgreSQL: a row-level trigger refusing UPDATE and DELETE, and a statement-level
one refusing TRUNCATE of a table that holds rows. SQLite: a trigger per statement
kind, plus one refusing an INSERT OR REPLACE over an existing row (its implicit
delete fires no DELETE trigger). A statement that touches no row is let through:
it changes nothing (a test database's flush of an empty log, say).
Installed by migration 0006; installed again after any later migrate, because
SQLite drops a table's triggers when a migration rebuilds the table.
"""

from __future__ import annotations

from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.migrations.recorder import MigrationRecorder

#: The audited tables, with the columns an INSERT OR REPLACE could collide on.
TABLES = {
    "predictions_prediction": ("id",),
    "predictions_auditcheckpoint": ("id", "first_id", "last_id", "checkpoint_hash"),
    "predictions_recordedoutcome": ("id", "prediction_id"),
    "ml_modelchange": ("id",),
}
INSTALLED_BY = ("predictions", "0006_audit_triggers")
FUNCTION = "drugsite_audit_append_only"
PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    empty boolean;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        EXECUTE format('SELECT NOT EXISTS (SELECT FROM %I.%I)',
                       TG_TABLE_SCHEMA, TG_TABLE_NAME) INTO empty;
        IF empty THEN
            RETURN NULL;
        END IF;
    END IF;
    RAISE EXCEPTION '% is an append-only audit log: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'restrict_violation',
              HINT = 'Log rows are never changed or deleted: see docs/audit.md.';
END;
$$"""
PG_TRIGGERS = {
    "append_only": 'BEFORE UPDATE OR DELETE ON "{table}" FOR EACH ROW',
    "no_truncate": 'BEFORE TRUNCATE ON "{table}" FOR EACH STATEMENT',
}
SQLITE_EVENTS = ("UPDATE", "DELETE", "REPLACE")


def refused(table: str, what: str) -> str:
    """The message a refused statement fails with."""
    return f"{table} is an append-only audit log: {what} refused"


def trigger_names(vendor: str, table: str) -> list[str]:
    if vendor == "postgresql":
        return [f"{table}_{suffix}" for suffix in PG_TRIGGERS]
    return [f"{table}_no_{event.lower()}" for event in SQLITE_EVENTS]


def sqlite_trigger(table: str, event: str) -> str:
    name = f"{table}_no_{event.lower()}"
    if event != "REPLACE":
        return (
            f'CREATE TRIGGER IF NOT EXISTS "{name}" BEFORE {event} ON "{table}" '
            f"BEGIN SELECT RAISE(ABORT, '{refused(table, event)}'); END"
        )
    clash = " OR ".join(f'"{column}" = NEW."{column}"' for column in TABLES[table])
    message = refused(table, "INSERT OR REPLACE of an existing row")
    return (
        f'CREATE TRIGGER IF NOT EXISTS "{name}" BEFORE INSERT ON "{table}" '
        f'WHEN EXISTS (SELECT 1 FROM "{table}" WHERE {clash}) '
        f"BEGIN SELECT RAISE(ABORT, '{message}'); END"
    )


def triggers_install(connection: BaseDatabaseWrapper) -> None:
    """Create each audited table's triggers that are not there; touch no others."""
    tables = existing_tables(connection) & TABLES.keys()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(PG_FUNCTION)
            present = installed(connection)
            for table in sorted(tables):
                for suffix, when in PG_TRIGGERS.items():
                    if f"{table}_{suffix}" not in present:
                        cursor.execute(
                            f'CREATE TRIGGER "{table}_{suffix}" '
                            f"{when.format(table=table)} "
                            f"EXECUTE FUNCTION {FUNCTION}()"
                        )
        elif connection.vendor == "sqlite":
            for table in sorted(tables):
                for event in SQLITE_EVENTS:
                    cursor.execute(sqlite_trigger(table, event))


def triggers_drop(connection: BaseDatabaseWrapper) -> None:
    """Remove the triggers (migration 0006 reversed; tests that tamper)."""
    with connection.cursor() as cursor:
        for table in TABLES:
            for name in trigger_names(connection.vendor, table):
                if connection.vendor == "postgresql":
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
                else:
                    cursor.execute(f'DROP TRIGGER IF EXISTS "{name}"')


def installed(connection: BaseDatabaseWrapper) -> set[str]:
    """Names of the audit triggers present and enabled."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal "
                "AND tgenabled <> 'D' AND tgrelid = ANY(%s::regclass[])",
                [list(existing_tables(connection) & TABLES.keys())],
            )
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'")
        return {name for (name,) in cursor.fetchall()}


def triggers_missing(connection: BaseDatabaseWrapper) -> list[str]:
    """The audit triggers that are absent or disabled, by name."""
    present = installed(connection)
    return [
        name
        for table in TABLES
        for name in trigger_names(connection.vendor, table)
        if name not in present
    ]


def existing_tables(connection: BaseDatabaseWrapper) -> set[str]:
    return set(connection.introspection.table_names())


def triggers_reinstall(sender, using: str = "default", **kwargs) -> None:
    """post_migrate: put back triggers a table rebuild dropped (0006 applied)."""
    connection = connections[using]
    if INSTALLED_BY in MigrationRecorder(connection).applied_migrations():
        triggers_install(connection)
