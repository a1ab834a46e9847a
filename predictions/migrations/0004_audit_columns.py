"""The audit log's attribution snapshot, request ids, row hashes and checkpoints.

A row keeps who asked as they were then (user id, username, how they
authenticated): the relation to the account loses its constraint and deleting an
account no longer touches any row. ``request_id`` is now the server's own id;
the caller's goes to ``correlation_id``.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('ml', '0001_initial'),
        ('predictions', '0003_roles'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditCheckpoint',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
                ('first_id', models.BigIntegerField(help_text='First id of the range: the previous last_id + 1.', unique=True)),
                ('last_id', models.BigIntegerField(help_text='The newest row sealed.', unique=True)),
                ('row_count', models.PositiveIntegerField(help_text='Rows in the range when sealed.')),
                ('gaps', models.JSONField(default=list, help_text='Ids absent when sealed: [first, last] pairs.')),
                ('rows_hash', models.CharField(help_text="SHA-256 of 'id:row_hash\\n' per row, in id order.", max_length=64)),
                ('previous_hash', models.CharField(max_length=64)),
                ('checkpoint_hash', models.CharField(max_length=64, unique=True)),
                ('key_id', models.CharField(help_text='Which key signed it.', max_length=16)),
                ('signature', models.CharField(help_text='HMAC-SHA256 of checkpoint_hash with the key.', max_length=64)),
            ],
            options={
                'ordering': ('-last_id',),
            },
        ),
        migrations.AlterField(
            model_name='prediction',
            name='user',
            field=models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='predictions', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AddField(
            model_name='prediction',
            name='username',
            field=models.CharField(blank=True, help_text='The username then; empty if anonymous.', max_length=150),
        ),
        migrations.AddField(
            model_name='prediction',
            name='auth_method',
            field=models.CharField(blank=True, choices=[('session', 'Session (sign-in)'), ('token', 'API token'), ('anonymous', 'Anonymous')], help_text='How the caller authenticated.', max_length=9),
        ),
        migrations.AlterField(
            model_name='prediction',
            name='request_id',
            field=models.CharField(db_index=True, help_text='Made by the server, unique.', max_length=64),
        ),
        migrations.AddField(
            model_name='prediction',
            name='correlation_id',
            field=models.CharField(blank=True, help_text="The caller's X-Request-Id, if sane.", max_length=64),
        ),
        migrations.AddField(
            model_name='prediction',
            name='row_hash',
            field=models.CharField(default='', editable=False, help_text="SHA-256 of the row's columns.", max_length=64),
            preserve_default=False,
        ),
        migrations.AddIndex(
            model_name='prediction',
            index=models.Index(condition=models.Q(('correlation_id', ''), _negated=True), fields=['correlation_id'], name='predictions_correlation_idx'),
        ),
    ]
