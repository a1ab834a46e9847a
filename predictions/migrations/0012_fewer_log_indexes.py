"""Two of the log's indexes dropped: every answer paid for them on its INSERT.

- ``user_id`` alone: ``predictions_user_created_idx`` (user, created_at) leads
  with it and serves every lookup by user.
- ``drug`` (on PostgreSQL also its ``_like`` copy): five values, each a large
  share of the log; a filter on it reads the newest rows through created_at.

Only the indexes go (DROP INDEX), so SQLite does not rebuild the table.
"""

from django.db import migrations, models
import django.db.models.deletion
from django.conf import settings

COLUMNS = ("user_id", "drug")


def index_names(schema_editor, table: str, column: str) -> list[str]:
    """The names Django gave the column's db_index (and its pattern-ops copy)."""
    names = [schema_editor._create_index_name(table, [column])]
    if schema_editor.connection.vendor == "postgresql" and column == "drug":
        names.append(schema_editor._create_index_name(table, [column], suffix="_like"))
    return names


def drop_indexes(apps, schema_editor):
    table = apps.get_model("predictions", "Prediction")._meta.db_table
    for column in COLUMNS:
        for name in index_names(schema_editor, table, column):
            schema_editor.execute(
                f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}"
            )


def create_indexes(apps, schema_editor):
    model = apps.get_model("predictions", "Prediction")
    for column in COLUMNS:
        field = next(f for f in model._meta.fields if f.column == column)
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))
        like = getattr(schema_editor, "_create_like_index_sql", None)
        statement = like(model, field) if like and column == "drug" else None
        if statement is not None:
            schema_editor.execute(statement)


class Migration(migrations.Migration):

    dependencies = [
        ('predictions', '0011_daily_counts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name='prediction',
                    name='drug',
                    field=models.CharField(blank=True, max_length=16),
                ),
                migrations.AlterField(
                    model_name='prediction',
                    name='user',
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name='predictions',
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_indexes, create_indexes, elidable=False),
            ],
        ),
    ]
