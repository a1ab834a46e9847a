"""The log counted per day for the dashboard: derived data (predictions.daily)."""

import django.utils.timezone
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('predictions', '0010_roles_lifecycle'),
    ]

    operations = [
        migrations.CreateModel(
            name='DailyRollup',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(unique=True)),
                ('computed_at', models.DateTimeField(default=django.utils.timezone.now, editable=False)),
            ],
            options={
                'ordering': ('day',),
            },
        ),
        migrations.CreateModel(
            name='DailyCount',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('day', models.DateField(help_text="UTC day of created_at (the key's index).")),
                ('channel', models.CharField(choices=[('form', 'Web form'), ('api', 'REST API'), ('legacy', 'Legacy GET /drug')], max_length=8)),
                ('outcome', models.CharField(choices=[('answered', 'Answered'), ('rejected', 'Rejected (invalid input)')], max_length=8)),
                ('drug', models.CharField(blank=True, max_length=16)),
                ('model_version', models.CharField(blank=True, help_text='The version string; empty: none.', max_length=64)),
                ('arm', models.CharField(blank=True, help_text='Empty: none logged.', max_length=9)),
                ('count', models.PositiveBigIntegerField()),
                ('latency_sum_us', models.PositiveBigIntegerField(default=0)),
                ('latency_buckets', models.JSONField(default=list, help_text='Rows per bucket of LATENCY_BUCKETS_US.')),
            ],
            options={
                'ordering': ('day', 'channel', 'outcome', 'drug'),
                'constraints': [models.UniqueConstraint(fields=('day', 'channel', 'outcome', 'drug', 'model_version', 'arm'), name='predictions_dailycount_key')],
            },
        ),
    ]
