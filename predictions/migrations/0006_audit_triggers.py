"""Append-only in the database: triggers refuse UPDATE, DELETE (and TRUNCATE on
PostgreSQL) of log rows and checkpoints, with a message that says why
(predictions/audit/triggers.py, docs/audit.md)."""

from django.db import migrations

from predictions.audit.triggers import triggers_drop, triggers_install


def install(apps, schema_editor):
    triggers_install(schema_editor.connection)


def drop(apps, schema_editor):
    triggers_drop(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ('predictions', '0005_audit_backfill'),
    ]

    operations = [
        migrations.RunPython(install, drop),
    ]
