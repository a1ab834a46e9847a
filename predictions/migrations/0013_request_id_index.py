"""``request_id``'s pattern-ops copy dropped (PostgreSQL): it serves ``LIKE 'x%'``,
which nothing sends (admin and the API find a request by its whole id), while every
answer's INSERT paid for it, and on a large log it is as big as the index the
lookups use.

The plain index stays, named in ``Meta.indexes`` (a model ``Index`` has no
pattern-ops copy): renamed on PostgreSQL; SQLite cannot rename an index, so there
it is built again under its new name.
"""

from django.db import migrations, models

NEW = "predictions_request_id_idx"


def names(schema_editor, table: str) -> tuple[str, str]:
    """The names Django gave request_id's db_index and its pattern-ops copy."""
    old = schema_editor._create_index_name(table, ["request_id"])
    return old, schema_editor._create_index_name(table, ["request_id"], suffix="_like")


def forward(apps, schema_editor):
    table = apps.get_model("predictions", "Prediction")._meta.db_table
    old, like = map(schema_editor.quote_name, names(schema_editor, table))
    new, quoted_table = schema_editor.quote_name(NEW), schema_editor.quote_name(table)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {like}")
        schema_editor.execute(f"ALTER INDEX {old} RENAME TO {new}")
    else:
        schema_editor.execute(f"DROP INDEX IF EXISTS {old}")
        schema_editor.execute(f'CREATE INDEX {new} ON {quoted_table} ("request_id")')


def backward(apps, schema_editor):
    model = apps.get_model("predictions", "Prediction")
    table = model._meta.db_table
    old = schema_editor.quote_name(names(schema_editor, table)[0])
    new, quoted_table = schema_editor.quote_name(NEW), schema_editor.quote_name(table)
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"ALTER INDEX {new} RENAME TO {old}")
        field = model._meta.get_field("request_id")
        schema_editor.execute(schema_editor._create_like_index_sql(model, field))
    else:
        schema_editor.execute(f"DROP INDEX IF EXISTS {new}")
        schema_editor.execute(f'CREATE INDEX {old} ON {quoted_table} ("request_id")')


class Migration(migrations.Migration):

    dependencies = [
        ("predictions", "0012_fewer_log_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="prediction",
                    name="request_id",
                    field=models.CharField(
                        help_text="Made by the server, unique.", max_length=64
                    ),
                ),
                migrations.AddIndex(
                    model_name="prediction",
                    index=models.Index(fields=["request_id"], name=NEW),
                ),
            ],
            database_operations=[
                migrations.RunPython(forward, backward, elidable=False),
            ],
        ),
    ]
