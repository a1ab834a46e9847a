"""The model-version registry: one row per trained artifact."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from ml.compiled import CompiledTree
from ml.exceptions import ModelUnavailable
from ml.verification import verify_artifact

NO_ACTIVE_MODEL = (
    "No active model. Train one with `python manage.py train_model --activate` "
    "or activate a registered one with `python manage.py activate_model VERSION`."
)


class ModelVersionQuerySet(models.QuerySet):
    def active(self) -> ModelVersion:
        """The active version, or ModelUnavailable saying how to get one."""
        found = self.filter(is_active=True).first()
        if found is None:
            raise ModelUnavailable(NO_ACTIVE_MODEL)
        return found


class Rollout(models.TextChoices):
    """How a version that is not the active one takes part in serving."""

    NONE = "", "Not serving"
    CANDIDATE = "candidate", "Candidate (a share of live traffic)"
    SHADOW = "shadow", "Shadow (scored on every request, never returned)"


class ModelVersion(models.Model):
    """A registered artifact; at most one is active, at most one is the candidate
    and at most one runs in shadow (enforced by the database)."""

    version = models.CharField(max_length=64, unique=True)
    artifact_path = models.CharField(
        max_length=500, help_text="Relative to ML_ARTIFACT_DIR, or absolute."
    )
    sha256 = models.CharField(max_length=64, unique=True)
    classes = models.JSONField(default=list)
    feature_schema = models.JSONField(default=list)
    metrics = models.JSONField(default=dict)
    manifest = models.JSONField(default=dict)
    trained_by = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(
        default=timezone.now, editable=False, db_index=True
    )
    registered_at = models.DateTimeField(default=timezone.now, editable=False)
    is_active = models.BooleanField(default=False)
    activated_at = models.DateTimeField(null=True, blank=True, editable=False)
    rollout = models.CharField(
        max_length=9, choices=Rollout.choices, default=Rollout.NONE, blank=True
    )
    traffic_percent = models.PositiveSmallIntegerField(
        default=0, help_text="A candidate's share of live requests, 0 to 100."
    )

    objects = ModelVersionQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="ml_modelversion_one_active",
            ),
            models.UniqueConstraint(
                fields=["rollout"],
                condition=~models.Q(rollout=""),
                name="ml_modelversion_one_per_rollout",
            ),
            models.CheckConstraint(
                condition=models.Q(is_active=False) | models.Q(rollout=""),
                name="ml_modelversion_active_not_in_rollout",
            ),
            models.CheckConstraint(
                condition=models.Q(traffic_percent__lte=100),
                name="ml_modelversion_traffic_percent_max_100",
            ),
        ]

    def __str__(self) -> str:
        return self.version + (" (active)" if self.is_active else "")

    @property
    def path(self) -> Path:
        """Absolute path of the artifact file."""
        return Path(settings.ML_ARTIFACT_DIR) / self.artifact_path

    @property
    def folder(self) -> Path:
        """The artifact folder (model, compiled tree, manifest)."""
        return self.path.parent

    @property
    def cv_accuracy(self) -> float | None:
        return self.metrics.get("cv", {}).get("mean")

    def verify(self) -> CompiledTree:
        """The served form, verified against the registry's copy of the manifest."""
        return verify_artifact(self.folder, self.manifest)

    def activate(self) -> None:
        """Make this the only active version (callers verify first)."""
        with transaction.atomic():
            ModelVersion.objects.select_for_update().filter(is_active=True).exclude(
                pk=self.pk
            ).update(is_active=False)
            self.is_active, self.activated_at = True, timezone.now()
            self.save(update_fields=["is_active", "activated_at"])


class ModelChange(models.Model):
    """One step of a version's life in production, with who took it and why.

    Append-only like the prediction log (the database refuses UPDATE and DELETE):
    the activation history auditors read.
    """

    class Action(models.TextChoices):
        ACTIVATE = "activate", "Activated"
        ROLLBACK = "rollback", "Rolled back"
        CANDIDATE = "candidate", "Made the candidate"
        SHADOW = "shadow", "Put in shadow"
        RETIRE = "retire", "Taken out of rollout"

    created_at = models.DateTimeField(
        default=timezone.now, editable=False, db_index=True
    )
    action = models.CharField(max_length=9, choices=Action.choices)
    version = models.ForeignKey(
        ModelVersion, on_delete=models.PROTECT, related_name="changes"
    )
    previous = models.ForeignKey(
        ModelVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The version active before an activation or rollback.",
    )
    traffic_percent = models.PositiveSmallIntegerField(null=True, blank=True)
    reason = models.TextField(help_text="Why, in the words of who did it.")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(
        max_length=150, blank=True, help_text="The username then; empty: a command."
    )

    class Meta:
        ordering = ("-created_at", "-id")
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reason=""), name="ml_modelchange_reason_required"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.version.version}"
