"""Save, verify and load a model artifact (the whole Pipeline) and its manifest.

An artifact is a folder ``<ML_ARTIFACT_DIR>/<version>/`` holding ``model.joblib``
and ``manifest.json``. The manifest records the artifact's sha256; loading checks
the bytes against the hash the registry expects *before* unpickling them.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
from datetime import UTC, datetime
from pathlib import Path

import joblib
import sklearn

from ml import features as F
from ml.dataset import Dataset
from ml.exceptions import ModelUnavailable
from ml.training import TrainingResult

MODEL_FILE, MANIFEST_FILE = "model.joblib", "manifest.json"


def library_versions() -> dict[str, str]:
    """Versions that must match between training and serving."""
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "joblib": joblib.__version__,
    }


def feature_schema(dataset: Dataset) -> list[dict]:
    """Names, kinds, allowed values and observed ranges of the features."""
    schema = []
    for index, name in enumerate(F.FEATURES):
        entry = {"name": name, "description": F.DESCRIPTIONS[name]}
        if name in F.CATEGORIES:
            entry |= {"kind": "category", "allowed": list(F.CATEGORIES[name])}
        else:
            values = [r.as_row()[index] for r in dataset.records]
            low, high = F.RANGES[name]
            entry |= {
                "kind": "integer" if name in F.INTEGER else "number",
                "allowed_range": [low, high],
                "observed_range": [min(values), max(values)],
            }
        schema.append(entry)
    return schema


def save_artifact(result: TrainingResult, dataset: Dataset, directory: Path) -> dict:
    """Write a new version folder (model.joblib, manifest.json); return the manifest."""
    buffer = io.BytesIO()
    joblib.dump(result.pipeline, buffer, compress=3)
    blob = buffer.getvalue()
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
        "target": F.TARGET,
        "classes": [str(c) for c in result.pipeline.classes_],
        "estimator": "Pipeline(ColumnTransformer, DecisionTreeClassifier)",
        "hyperparameters": result.hyperparameters,
        "metrics": result.metrics,
        "libraries": library_versions(),
    }
    folder = Path(directory) / version
    if (folder / MANIFEST_FILE).exists():  # the same bytes saved again this second
        existing = json.loads((folder / MANIFEST_FILE).read_text())
        if existing.get("sha256") == digest:
            return existing
    folder.mkdir(parents=True, exist_ok=False)
    (folder / MODEL_FILE).write_bytes(blob)
    (folder / MANIFEST_FILE).write_text(json.dumps(manifest, indent=2) + "\n")
    return manifest


def read_manifest(folder: Path) -> dict:
    """The manifest of an artifact folder, checked against its model file."""
    try:
        manifest = json.loads((Path(folder) / MANIFEST_FILE).read_text())
    except (OSError, ValueError) as exc:
        raise ModelUnavailable(
            f"Cannot read the manifest in {folder}: {exc}."
        ) from None
    read_verified(Path(folder) / manifest["artifact"], manifest["sha256"])
    return manifest


def read_verified(path: Path, sha256: str) -> bytes:
    """The artifact's bytes, refused unless they hash to the expected sha256."""
    fix = "retrain with `python manage.py train_model --activate`"
    try:
        blob = Path(path).read_bytes()
    except OSError as exc:
        raise ModelUnavailable(
            f"Model artifact {path} cannot be read ({exc.strerror}); "
            f"restore it or {fix}."
        ) from None
    if hashlib.sha256(blob).hexdigest() != sha256:
        raise ModelUnavailable(
            f"Model artifact {path} does not match its registered sha256 "
            f"(changed or corrupted); it was not loaded. Restore it or {fix}."
        )
    return blob


def check_compatible(libraries: dict) -> None:
    """Refuse an artifact trained with another scikit-learn major.minor."""
    trained = str(libraries.get("scikit-learn", "?"))
    if trained.split(".")[:2] != sklearn.__version__.split(".")[:2]:
        raise ModelUnavailable(
            f"Model was trained with scikit-learn {trained}, this server runs "
            f"{sklearn.__version__}; retrain with `python manage.py train_model "
            f"--activate` or install scikit-learn {trained}."
        )


def load_pipeline(path: Path, sha256: str, libraries: dict):
    """Verify hash and library versions, then unpickle the Pipeline."""
    check_compatible(libraries)
    blob = read_verified(path, sha256)
    try:
        return joblib.load(io.BytesIO(blob))
    except Exception as exc:  # a verified file that still fails to unpickle
        raise ModelUnavailable(
            f"Model artifact {path} could not be loaded: {exc}."
        ) from exc
