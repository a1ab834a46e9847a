"""The artifact folder: its layout, how it is written, and how tools read it.

A version lives in ``<store>/<version>/``: ``model.joblib`` (the fitted Pipeline),
``compiled.json`` (its tree as plain data with reference answers, what web
workers serve) and ``manifest.json`` (both files' sha256, the data's hash, the
feature schema, classes, hyper-parameters, metrics and library versions). Whether
an artifact may be served is decided by ``ml.verification`` alone.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
from datetime import UTC, datetime
from importlib.metadata import version as installed
from pathlib import Path
from typing import TYPE_CHECKING

from ml import features as vocab
from ml.compiled import EXPORT_FORMAT
from ml.dataset import Dataset
from ml.exceptions import ModelUnavailable
from ml.profile import data_profile
from ml.verification import check_compatible, read_verified, verify_artifact

if TYPE_CHECKING:
    from ml.training import TrainingResult

MODEL_FILE, COMPILED_FILE, MANIFEST_FILE = (
    "model.joblib",
    "compiled.json",
    "manifest.json",
)


def version_folder(store: Path, version: str) -> Path:
    """Where a version's files live in an artifact store."""
    return Path(store) / version


def library_versions() -> dict[str, str]:
    """Versions that must match between training and serving (read, not imported)."""
    return {
        "python": platform.python_version(),
        "scikit-learn": installed("scikit-learn"),
        "joblib": installed("joblib"),
    }


def feature_schema(dataset: Dataset) -> list[dict]:
    """Each feature as ml.features describes it, with the training data's range."""
    columns = list(zip(*(r.as_row() for r in dataset.records), strict=True))
    return [
        vocab.describe(
            name,
            None if name in vocab.CATEGORIES else [min(column), max(column)],
        )
        for name, column in zip(vocab.FEATURES, columns, strict=True)
    ]


def save_artifact(
    result: TrainingResult,
    dataset: Dataset,
    store: Path,
    compiled: bytes,
    *,
    extra: dict | None = None,
) -> dict:
    """Write a version folder (model, compiled tree, manifest); return the manifest.

    ``extra`` adds entries to the manifest (``outcomes``: the recorded outcomes
    trained on, ``ml.retraining``)."""
    blob = pickled(result.pipeline)
    digest = hashlib.sha256(blob).hexdigest()
    created = datetime.now(UTC)
    version = f"{created:%Y%m%d-%H%M%S}-{digest[:8]}"
    manifest = {
        "version": version,
        "created_at": created.isoformat(),
        "artifact": MODEL_FILE,
        "sha256": digest,
        "data": {"path": dataset.path, "sha256": dataset.sha256, "rows": dataset.rows},
        "features": feature_schema(dataset),
        "profile": data_profile(dataset.records),
        "target": vocab.TARGET,
        "classes": [str(c) for c in result.pipeline.classes_],
        "estimator": "Pipeline(ColumnTransformer, DecisionTreeClassifier)",
        "hyperparameters": result.hyperparameters,
        "metrics": result.metrics,
        "libraries": library_versions(),
        "compiled": {
            "file": COMPILED_FILE,
            "sha256": hashlib.sha256(compiled).hexdigest(),
            "format": EXPORT_FORMAT,
        },
    } | (extra or {})
    folder = version_folder(store, version)
    if (folder / MANIFEST_FILE).exists():  # the same bytes saved again this second
        existing = json.loads((folder / MANIFEST_FILE).read_text())
        if existing.get("sha256") == digest:
            return existing
    folder.mkdir(parents=True, exist_ok=False)
    (folder / MODEL_FILE).write_bytes(blob)
    (folder / COMPILED_FILE).write_bytes(compiled)
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def pickled(pipeline) -> bytes:
    """The fitted Pipeline as joblib bytes (compressed)."""
    import joblib

    buffer = io.BytesIO()
    joblib.dump(pipeline, buffer, compress=3)
    return buffer.getvalue()


def read_manifest(folder: Path) -> dict:
    """The manifest of an artifact folder, verified against the files beside it."""
    try:
        manifest = json.loads((Path(folder) / MANIFEST_FILE).read_text())
    except (OSError, ValueError) as exc:
        raise ModelUnavailable(
            f"Cannot read the manifest in {folder}: {exc}."
        ) from None
    verify_artifact(folder, manifest)
    return manifest


def load_pipeline(path: Path, sha256: str, libraries: dict):
    """Verify hash and library versions, then unpickle the Pipeline (tools only)."""
    import joblib

    check_compatible(libraries)
    blob = read_verified(path, sha256)
    try:
        return joblib.load(io.BytesIO(blob))
    except Exception as exc:  # a verified file that still fails to unpickle
        raise ModelUnavailable(
            f"Model artifact {path} could not be loaded: {exc}."
        ) from exc
