"""Retraining with recorded outcomes: train, register inactive, compare.

``train_model --with-outcomes`` calls ``model_version_retrain``. The new version
is registered but not active (ready to be made a candidate) unless activation
is asked for as well; its CV is compared with the active model's on the same
folds (``ml.comparison``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ml.changes import TRAINED
from ml.comparison import Comparison, compare_with_active
from ml.models import ModelVersion
from ml.outcomes import OutcomeRows
from ml.services import TrainedArtifact, model_version_train


@dataclass(frozen=True)
class Retrained:
    version: ModelVersion
    trained: TrainedArtifact
    comparison: Comparison


def model_version_retrain(
    *,
    data: str | Path,
    outcomes: OutcomeRows,
    seed: int = 0,
    activate: bool = False,
    trained_by: str = "",
    reason: str = TRAINED,
) -> Retrained:
    """Train on the CSV plus the outcomes, register (activate only if asked), and
    compare with the version active before."""
    active = ModelVersion.objects.filter(is_active=True).first()
    version, trained = model_version_train(
        data=data,
        seed=seed,
        activate=activate,
        trained_by=trained_by,
        outcomes=outcomes,
        reason=reason,
    )
    csv_rows = trained.dataset.rows - outcomes.rows
    comparison = compare_with_active(
        dataset=trained.dataset,
        pipeline=trained.result.pipeline,
        active=active,
        unseen=[False] * csv_rows + unseen_by(active, outcomes),
    )
    return Retrained(version, trained, comparison)


def unseen_by(active: ModelVersion | None, outcomes: OutcomeRows) -> list[bool]:
    """Which outcome rows the active model did not train on: those recorded after
    the last outcome in its manifest (all of them if it used none)."""
    until = ((active.manifest if active else {}).get("outcomes") or {}).get("until")
    if not until:
        return [True] * outcomes.rows
    cut = datetime.fromisoformat(until)
    return [when > cut for when in outcomes.recorded_at]
