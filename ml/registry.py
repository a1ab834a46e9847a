"""Register artifacts in the ModelVersion table and choose the active one."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.db import transaction

from ml import predictor
from ml.artifacts import MODEL_FILE, read_manifest
from ml.exceptions import ModelUnavailable
from ml.models import ModelVersion


def relative_to_store(folder: Path) -> str:
    """Artifact path relative to ML_ARTIFACT_DIR when inside it, else absolute."""
    folder, store = Path(folder).resolve(), Path(settings.ML_ARTIFACT_DIR).resolve()
    target = folder / MODEL_FILE
    return (
        str(target.relative_to(store)) if folder.is_relative_to(store) else str(target)
    )


def model_version_register(*, folder: Path, trained_by: str = "") -> ModelVersion:
    """Register a verified artifact folder; the same artifact twice is one row."""
    manifest = read_manifest(folder)
    version, created = ModelVersion.objects.get_or_create(
        sha256=manifest["sha256"],
        defaults={
            "version": manifest["version"],
            "artifact_path": relative_to_store(folder),
            "classes": manifest["classes"],
            "feature_schema": manifest["features"],
            "metrics": manifest["metrics"],
            "manifest": manifest,
            "trained_by": trained_by,
            "created_at": datetime.fromisoformat(manifest["created_at"]),
        },
    )
    if not created and (
        not version.path.exists() or "compiled" not in version.manifest
    ):
        # The same model saved again: after its file was lost, or by a drugsite
        # that now also writes the compiled tree. Point the row at the new folder.
        version.artifact_path = relative_to_store(folder)
        version.manifest = manifest
        version.save(update_fields=["artifact_path", "manifest"])
    return version


def model_version_activate(*, version: str) -> ModelVersion:
    """Verify and activate a registered version; failures raise ModelUnavailable."""
    try:
        model_version = ModelVersion.objects.get(version=version)
    except ObjectDoesNotExist:
        known = ", ".join(ModelVersion.objects.values_list("version", flat=True)[:10])
        raise ModelUnavailable(
            f"No registered model version {version!r}; known: {known or 'none'}."
        ) from None
    model_version.verify()
    model_version.activate()
    transaction.on_commit(predictor.clear_cache)
    return model_version
