"""Training as one service: train, save, register and optionally activate."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from ml.artifacts import save_artifact, version_folder
from ml.changes import TRAINED
from ml.confidence import DEFAULT_COVERAGE, confidence_fit
from ml.dataset import Dataset, load_dataset
from ml.export import compile_checked
from ml.models import ModelVersion
from ml.outcomes import OutcomeRows, dataset_with_outcomes, outcomes_entry
from ml.registry import model_version_activate, model_version_register
from ml.training import TrainingResult, train


@dataclass(frozen=True)
class TrainedArtifact:
    """A model trained and saved: its data, metrics, manifest and folder."""

    dataset: Dataset
    result: TrainingResult
    manifest: dict
    folder: Path


def artifact_train(
    *,
    data: str | Path,
    store: Path,
    seed: int = 0,
    coverage: float = DEFAULT_COVERAGE,
    outcomes: OutcomeRows | None = None,
) -> TrainedArtifact:
    """Load and validate the CSV, add the recorded outcomes if given,
    cross-validate and fit, fit the answers' confidence, save a version folder."""
    dataset = load_dataset(data)
    extra = None
    if outcomes is not None:
        dataset = dataset_with_outcomes(dataset, outcomes)
        extra = {"outcomes": outcomes_entry(outcomes)}
    result = train(dataset, random_state=seed)
    parts, figures = confidence_fit(
        dataset, result.hyperparameters, seed=seed, coverage=coverage
    )
    result.metrics.update(figures)
    compiled = compile_checked(result.pipeline, parts)
    manifest = save_artifact(result, dataset, store, compiled, extra=extra)
    folder = version_folder(store, manifest["version"])
    return TrainedArtifact(dataset, result, manifest, folder)


def model_version_train(
    *,
    data: str | Path,
    seed: int = 0,
    activate: bool = False,
    trained_by: str = "",
    store: Path | None = None,
    outcomes: OutcomeRows | None = None,
    reason: str = TRAINED,
) -> tuple[ModelVersion, TrainedArtifact]:
    """Train into the artifact store, register the version, activate it if asked
    (recorded with `reason`; a retrained copy of the active model stays active)."""
    store = Path(store or settings.ML_ARTIFACT_DIR)
    trained = artifact_train(data=data, store=store, seed=seed, outcomes=outcomes)
    version = model_version_register(folder=trained.folder, trained_by=trained_by)
    if activate and not version.is_active:
        version = model_version_activate(version=version.version, reason=reason)
    return version, trained
