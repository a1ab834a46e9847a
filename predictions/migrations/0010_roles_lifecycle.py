"""The roles gain what the model's life in production needs: Prescribers record
outcomes, Auditors read them with the change history and the dashboard, Model
managers read the history and the dashboard (predictions.roles)."""

from django.db import migrations

from predictions.roles import roles_sync


def sync(apps, schema_editor):
    roles_sync(apps=apps, using=schema_editor.connection.alias)


class Migration(migrations.Migration):

    dependencies = [
        ('predictions', '0009_log_indexes'),
        ('ml', '0002_lifecycle'),
    ]

    operations = [
        migrations.RunPython(sync, migrations.RunPython.noop),
    ]
