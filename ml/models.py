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


class ModelVersion(models.Model):
    """A registered artifact; at most one is active (enforced by the database)."""

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

    objects = ModelVersionQuerySet.as_manager()

    class Meta:
        ordering = ("-created_at",)
        constraints = [
            models.UniqueConstraint(
                fields=["is_active"],
                condition=models.Q(is_active=True),
                name="ml_modelversion_one_active",
            )
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
