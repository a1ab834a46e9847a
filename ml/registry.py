"""Register artifacts in the ModelVersion table and change which ones serve.

Every change of what serves (activate, roll back, make the candidate with a share
of traffic, run in shadow, take out of rollout) verifies the artifact first and
is recorded as a ModelChange, with who and why, in the same transaction: the
history is never behind the registry. This process's predictor forgets its
versions on commit; every other process follows within ML_MODEL_REFRESH_SECONDS.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from ml import predictor
from ml.artifacts import MODEL_FILE, read_manifest
from ml.changes import (
    ACTIONS,
    change_record,
    displace,
    reason_required,
    rollout_mode,
    rollout_refusal,
    traffic_share,
    version_get,
)
from ml.exceptions import ModelChangeRefused
from ml.models import ModelChange, ModelVersion, Rollout

SWITCHES = (ModelChange.Action.ACTIVATE, ModelChange.Action.ROLLBACK)


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


def model_version_activate(*, version: str, reason: str, user=None) -> ModelVersion:
    """Verify a registered version and make it the active one, recorded with why.

    Failures raise ModelUnavailable (UnknownVersion for a name not registered) or
    ModelChangeRefused (no reason, already active); nothing changes then."""
    reason = reason_required(reason)
    return switch(version_get(version), ModelChange.Action.ACTIVATE, reason, user)


def model_version_rollback(*, reason: str, user=None) -> ModelVersion:
    """Re-activate the version that was active before the current one, as the
    history records it (rolling back twice returns to where it started)."""
    reason = reason_required(reason)
    current = ModelVersion.objects.filter(is_active=True).first()
    if current is None:
        raise ModelChangeRefused("No version is active, so there is none to roll back.")
    last = ModelChange.objects.filter(version=current, action__in=SWITCHES).first()
    if last is None or last.previous is None:
        raise ModelChangeRefused(
            f"No earlier version to roll back to: the history records none active "
            f"before {current.version}. Activate one by name instead."
        )
    return switch(last.previous, ModelChange.Action.ROLLBACK, reason, user)


def switch(row: ModelVersion, action: str, reason: str, user) -> ModelVersion:
    """Make a verified `row` the active version, taking it out of rollout."""
    row.verify()
    with transaction.atomic():
        locked = ModelVersion.objects.select_for_update().filter(
            Q(is_active=True) | Q(pk=row.pk)
        )
        previous = next((v for v in locked if v.is_active), None)
        if previous is not None and previous.pk == row.pk:
            raise ModelChangeRefused(f"Model {row.version} is already active.")
        if row.rollout:  # a candidate or shadow promoted: the database wants it out
            row.rollout, row.traffic_percent = Rollout.NONE, 0
            row.save(update_fields=["rollout", "traffic_percent"])
        row.activate()
        change_record(
            action=action, version=row, previous=previous, reason=reason, user=user
        )
    transaction.on_commit(predictor.clear_cache)
    return row


def model_version_rollout(
    *, version: str, mode: str, traffic_percent: int = 0, reason: str, user=None
) -> ModelVersion:
    """Make a version the candidate (served to `traffic_percent` % of requests),
    run it in shadow (scored, logged, never returned) or, with mode "none", take
    it out of rollout. A version already holding that place is taken out first."""
    reason = reason_required(reason)
    rollout = rollout_mode(mode)
    percent = traffic_share(rollout, traffic_percent)
    row = version_get(version)
    if rollout:
        row.verify()
    with transaction.atomic():
        row = ModelVersion.objects.select_for_update().get(pk=row.pk)
        rollout_refusal(row, rollout, percent)
        if rollout:
            displace(rollout, row, reason, user)
        row.rollout, row.traffic_percent = rollout, percent
        row.save(update_fields=["rollout", "traffic_percent"])
        share = percent if rollout == Rollout.CANDIDATE else None
        change_record(
            action=ACTIONS[rollout],
            version=row,
            reason=reason,
            user=user,
            traffic_percent=share,
        )
    transaction.on_commit(predictor.clear_cache)
    return row
