"""The log's indexes for millions of rows (docs/scale.md): admin's search by
username, a clinician's own rows newest first, and the rejected requests (a
partial index: answered rows, nearly all of them, never enter it).

Plain CREATE INDEX: it blocks writes to the log while it builds (bench/biglog.py
times it: under a minute for 5,000,000 rows). On a large live log, build them with
CREATE INDEX CONCURRENTLY first (the statements of `sqlmigrate predictions
0009_log_indexes`), then record this migration with `migrate predictions
0009_log_indexes --fake` (docs/scale.md).
"""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('predictions', '0008_lifecycle'),
    ]

    operations = [
        migrations.AddIndex(
            model_name='prediction',
            index=models.Index(fields=['username'], name='predictions_username_idx'),
        ),
        migrations.AddIndex(
            model_name='prediction',
            index=models.Index(
                fields=['user', 'created_at'], name='predictions_user_created_idx'
            ),
        ),
        migrations.AddIndex(
            model_name='prediction',
            index=models.Index(
                condition=models.Q(('outcome', 'rejected')),
                fields=['created_at'],
                name='predictions_rejected_idx',
            ),
        ),
    ]
