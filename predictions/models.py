"""The prediction log: one row per answer served, and one per rejected request."""

from django.conf import settings
from django.db import connections, models
from django.db.models.base import ModelState
from django.utils import timezone

from ml.models import ModelVersion
from predictions.audit.checkpoints import AuditCheckpoint  # noqa: F401 (a model)
from predictions.columns import Arm, AuthMethod, Channel, Outcome, PatientColumns
from predictions.daily import DailyCount, DailyRollup  # noqa: F401 (models)
from predictions.groupcommit import group_writer
from predictions.recorded_outcomes import RecordedOutcome  # noqa: F401 (a model)
from predictions.writes import insert_rows


class PredictionManager(models.Manager):
    """Writes the log. ``insert_many`` is the hot path: one INSERT per request."""

    def insert_many(self, rows: list["Prediction"]) -> None:
        """Insert new rows and set their ids; all of them or none.

        ``bulk_create`` prepares every value through the ORM's compiler, which costs
        more than the prediction itself; ``predictions.writes`` sends the same
        columns with the same database adaptations in one statement. Outside a
        transaction the rows of concurrent requests share one
        (``predictions.groupcommit``).
        """
        connection = connections[self.db]
        if connection.in_atomic_block or not settings.DRUGSITE_GROUP_COMMIT:
            # The caller's transaction decides when the rows are committed.
            insert_rows(connection, self.db, self.model, rows)
        else:
            group_writer(self.db, self.model, insert_rows).write(rows)


class Prediction(PatientColumns):
    """An append-only audit row, in the manner of Django admin's LogEntry; the
    database refuses UPDATE and DELETE (docs/audit.md)."""

    created_at = models.DateTimeField(
        default=timezone.now, editable=False, db_index=True
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    outcome = models.CharField(
        max_length=8, choices=Outcome.choices, default=Outcome.ANSWERED
    )
    # Who asked, as they were then. The relation finds a user's own rows; it has
    # no constraint and deleting the account touches no row (the log refuses it).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        db_index=False,  # predictions_user_created_idx leads with it
        related_name="predictions",
    )
    username = models.CharField(
        max_length=150, blank=True, help_text="The username then; empty if anonymous."
    )
    auth_method = models.CharField(
        max_length=9,
        choices=AuthMethod.choices,
        blank=True,  # empty: logged before it was recorded (migration 0004)
        help_text="How the caller authenticated.",
    )
    # Indexed in Meta.indexes: a field's db_index would add, on PostgreSQL, a
    # pattern-ops copy for LIKE 'x%', which no lookup of the log makes (0013).
    request_id = models.CharField(
        max_length=64, help_text="Made by the server, unique."
    )
    correlation_id = models.CharField(
        max_length=64, blank=True, help_text="The caller's X-Request-Id, if sane."
    )
    item_index = models.PositiveIntegerField(
        default=0, help_text="Position in a batch."
    )
    # What was answered.
    # No index of its own: five values, each a large share of the log; a filter
    # on it reads the newest rows by created_at (migration 0012).
    drug = models.CharField(max_length=16, blank=True)
    probabilities = models.JSONField(default=dict)
    model_version = models.ForeignKey(
        ModelVersion, null=True, on_delete=models.PROTECT, related_name="predictions"
    )
    arm = models.CharField(  # noqa: DJ001 (NULL keeps the hashes of older rows)
        max_length=9,
        choices=Arm.choices,
        null=True,  # NULL: rejected, or logged before arms were recorded
        blank=True,
        help_text="Which version answered: active, candidate or shadow.",
    )
    explanation = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    near_boundary = models.BooleanField(default=False)
    boundary = models.JSONField(
        null=True, blank=True, help_text="Closest numeric threshold on the path."
    )
    # What the answer meant (docs/confidence.md). NULL: rejected, or logged before
    # these were recorded; [] is a real answer's empty set.
    prediction_set = models.JSONField(
        null=True, blank=True, help_text="Drugs not ruled out at the coverage."
    )
    coverage = models.FloatField(
        null=True, blank=True, help_text="Stated coverage of the set, e.g. 0.95."
    )
    counterfactual = models.JSONField(
        null=True, blank=True, help_text="Nearest flip of Age, of Na_to_K (or null)."
    )
    latency_us = models.PositiveIntegerField(default=0, help_text="Model time, µs.")
    # Why a request was rejected.
    raw_input = models.JSONField(null=True, blank=True)
    errors = models.JSONField(null=True, blank=True)
    row_hash = models.CharField(
        max_length=64, editable=False, help_text="SHA-256 of the row's columns."
    )

    objects = PredictionManager()

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [
            models.Index(fields=["channel", "created_at"]),
            models.Index(
                fields=["correlation_id"],
                name="predictions_correlation_idx",
                condition=~models.Q(correlation_id=""),
            ),
            # Millions of rows (docs/scale.md, migration 0009): admin's search by
            # username; a clinician's own rows newest first; rejected requests,
            # an index that answered rows never enter.
            models.Index(fields=["username"], name="predictions_username_idx"),
            models.Index(fields=["request_id"], name="predictions_request_id_idx"),
            models.Index(
                fields=["user", "created_at"], name="predictions_user_created_idx"
            ),
            models.Index(
                fields=["created_at"],
                name="predictions_rejected_idx",
                condition=models.Q(outcome="rejected"),
            ),
        ]

    def __str__(self) -> str:
        if self.outcome == Outcome.REJECTED:
            return f"#{self.pk} rejected {self.channel} request"
        return f"#{self.pk} {self.drug} ({self.channel})"

    @classmethod
    def new(cls, *, user, model_version, **values) -> "Prediction":
        """A new, unsaved row, for the log's hot path; unnamed columns are None."""
        return cls.new_rows(user=user, model_version=model_version, common=values)[0]

    @classmethod
    def new_rows(
        cls, *, user, model_version, common: dict, each=({},)
    ) -> list["Prediction"]:
        """New, unsaved rows of one request: the columns named in `common`, then
        each row's own (per row in `each`, a mapping or its (name, value) pairs);
        unnamed columns are None.

        Filled like ``Model.from_db`` fills its instances, without ``__init__``'s
        per-field work and signals (nothing listens to them for this model), which
        costs more than the prediction itself in a batch of 1,000.
        """
        base = dict.fromkeys(cls.attnames())
        base.update((name, value) for name, value in common.items() if name in base)
        base["user_id"] = user.pk if user is not None else None
        base["model_version_id"] = model_version.pk if model_version else None
        cache = {  # the relations, known: no query reads them
            cls.user.field.cache_name: user,
            cls.model_version.field.cache_name: model_version,
            cls.recorded_outcome.related.cache_name: None,  # none yet
        }
        rows = []
        for own in each:
            row = cls.__new__(cls)
            row.__dict__ = values = base.copy()
            values.update(own)
            row._state = ModelState()
            row._state.fields_cache = cache.copy()
            rows.append(row)
        return rows

    @classmethod
    def attnames(cls) -> list[str]:
        return [field.attname for field in cls._meta.concrete_fields]
