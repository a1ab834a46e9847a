"""Rows logged before 0004: their snapshot as far as it is known, and their hash.

The username is the account's as it is now (the best evidence left; rows whose
account was deleted under the old SET_NULL stay without one). How a caller
authenticated was not recorded: only form rows are certain (a session); the rest
keep an empty auth_method. Each row is hashed as it is now: tamper evidence for
these rows starts with this migration (docs/audit.md). Runs before 0006 installs
the triggers that refuse any later UPDATE.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import migrations

from predictions.audit.rowhash import RowHasher

CHUNK = 2000


def backfill(apps, schema_editor):
    using = schema_editor.connection.alias
    Prediction = apps.get_model("predictions", "Prediction")
    User = apps.get_model(settings.AUTH_USER_MODEL)
    names = dict(
        User.objects.using(using).values_list("pk", get_user_model().USERNAME_FIELD)
    )
    hasher = RowHasher(Prediction)
    last = 0
    while True:
        rows = list(
            Prediction.objects.using(using).filter(pk__gt=last).order_by("pk")[:CHUNK]
        )
        if not rows:
            return
        for row in rows:
            if row.user_id is not None:
                row.username = names.get(row.user_id, "")
                row.auth_method = "session" if row.channel == "form" else ""
            row.row_hash = hasher.of_row(row)
        Prediction.objects.using(using).bulk_update(
            rows, ["username", "auth_method", "row_hash"]
        )
        last = rows[-1].pk


class Migration(migrations.Migration):

    dependencies = [
        ('predictions', '0004_audit_columns'),
    ]

    operations = [
        migrations.RunPython(backfill, migrations.RunPython.noop),
    ]
