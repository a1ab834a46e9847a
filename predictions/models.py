"""The prediction log: one row per answer served, and one per rejected request."""

import json
from contextlib import nullcontext

from django.conf import settings
from django.db import connections, models, transaction
from django.db.models.base import ModelState
from django.utils import timezone

from ml.models import ModelVersion


class Channel(models.TextChoices):
    FORM = "form", "Web form"
    API = "api", "REST API"
    LEGACY = "legacy", "Legacy GET /drug"


class Outcome(models.TextChoices):
    ANSWERED = "answered", "Answered"
    REJECTED = "rejected", "Rejected (invalid input)"


class PredictionManager(models.Manager):
    """Writes the log. ``insert_many`` is the hot path: one multi-row INSERT."""

    CHUNK = 500  # rows per statement: well under every backend's parameter limit

    def insert_many(self, rows: list["Prediction"]) -> None:
        """Insert new rows and set their ids; all of them or none.

        ``bulk_create`` prepares every value through the ORM's compiler, which costs
        more than the prediction itself; this sends the same columns with the same
        database adaptations in one statement (RETURNING the ids): on PostgreSQL
        one array per column through ``unnest`` (as Django's own bulk_create does),
        elsewhere a multi-row VALUES per chunk.
        """
        connection = connections[self.db]
        fields = [f for f in self.model._meta.concrete_fields if not f.primary_key]
        adapt = [column_adapter(f, connection) for f in fields]
        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        if connection.vendor == "postgresql":
            types = ", ".join(f"%b::{f.db_type(connection)}[]" for f in fields)
            sql = f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({types})"
            chunks, size = [rows], len(rows)
        else:
            chunks = [rows[i : i + self.CHUNK] for i in range(0, len(rows), self.CHUNK)]
        atomic = transaction.atomic(using=self.db) if len(chunks) > 1 else nullcontext()
        # wrap_database_errors: psycopg's own errors (from the binding cursor)
        # become Django's, which the service turns into a 503.
        with atomic, connection.wrap_database_errors, self.cursor(connection) as cursor:
            for chunk in chunks:
                values = [
                    [to_db(getattr(row, f.attname)) for row in chunk]
                    for f, to_db in zip(fields, adapt, strict=True)
                ]
                if connection.vendor == "postgresql":
                    cursor.execute(sql + " RETURNING id", values)
                else:
                    size = len(fields)
                    row_sql = "(" + ", ".join(["%s"] * size) + ")"
                    cursor.execute(
                        f"INSERT INTO {table} ({columns}) VALUES "
                        f"{', '.join([row_sql] * len(chunk))} RETURNING id",
                        [value for row in zip(*values, strict=True) for value in row],
                    )
                ids = sorted(pk for (pk,) in cursor.fetchall())
                for row, pk in zip(chunk, ids, strict=True):
                    row.pk, row._state.adding, row._state.db = pk, False, self.db

    @staticmethod
    def cursor(connection):
        """Django's cursor; on PostgreSQL a server-side binding one, so that arrays
        travel as parameters instead of being quoted into a megabyte of SQL."""
        if connection.vendor != "postgresql":
            return connection.cursor()
        import psycopg

        connection.ensure_connection()
        return psycopg.Cursor(connection.connection)


def column_adapter(field, connection):
    """How a Python value of `field` goes to the database, as the ORM would send it."""
    if isinstance(field, models.JSONField):
        memo: dict[int, str] = {}  # objects shared by rows (a leaf's probabilities)

        def to_json(value):
            if value is None:
                return None
            key = id(value)
            if key not in memo:
                memo[key] = json.dumps(value)
            return memo[key]

        return to_json
    if isinstance(field, models.DateTimeField):
        adapt, last = connection.ops.adapt_datetimefield_value, [None, None]

        def to_datetime(value):  # a batch shares one time: adapt it once
            if value is not last[0]:
                last[:] = [value, adapt(value)]
            return last[1]

        return to_datetime
    return lambda value: value


class Prediction(models.Model):
    """An append-only audit row, in the manner of Django admin's LogEntry."""

    created_at = models.DateTimeField(
        default=timezone.now, editable=False, db_index=True
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    outcome = models.CharField(
        max_length=8, choices=Outcome.choices, default=Outcome.ANSWERED
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predictions",
    )
    request_id = models.CharField(max_length=64, db_index=True)
    item_index = models.PositiveIntegerField(
        default=0, help_text="Position in a batch."
    )
    # What was asked (typed columns; empty for a rejected request).
    age = models.PositiveSmallIntegerField(null=True)
    sex = models.CharField(max_length=8, blank=True)
    bp = models.CharField("BP", max_length=8, blank=True)
    cholesterol = models.CharField(max_length=8, blank=True)
    na_to_k = models.FloatField("Na_to_K", null=True)
    # What was answered.
    drug = models.CharField(max_length=16, blank=True, db_index=True)
    probabilities = models.JSONField(default=dict)
    model_version = models.ForeignKey(
        ModelVersion, null=True, on_delete=models.PROTECT, related_name="predictions"
    )
    explanation = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    near_boundary = models.BooleanField(default=False)
    boundary = models.JSONField(
        null=True, blank=True, help_text="Closest numeric threshold on the path."
    )
    latency_us = models.PositiveIntegerField(default=0, help_text="Model time, µs.")
    # Why a request was rejected.
    raw_input = models.JSONField(null=True, blank=True)
    errors = models.JSONField(null=True, blank=True)

    objects = PredictionManager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["channel", "created_at"])]

    def __str__(self) -> str:
        if self.outcome == Outcome.REJECTED:
            return f"#{self.pk} rejected {self.channel} request"
        return f"#{self.pk} {self.drug} ({self.channel})"

    @classmethod
    def new(cls, *, user, model_version, **values) -> "Prediction":
        """A new, unsaved row, for the log's hot path; unnamed columns are None.

        Filled like ``Model.from_db`` fills its instances, without ``__init__``'s
        per-field work and signals (nothing listens to them for this model), which
        costs more than the prediction itself in a batch of 1,000.
        """
        values["user_id"] = user.pk if user is not None else None
        values["model_version_id"] = model_version.pk
        row = cls.__new__(cls)
        row._state = ModelState()
        row.__dict__.update({name: values.get(name) for name in cls.attnames()})
        cls.user.field.set_cached_value(row, user)
        cls.model_version.field.set_cached_value(row, model_version)
        return row

    @classmethod
    def attnames(cls) -> list[str]:
        return [field.attname for field in cls._meta.concrete_fields]
