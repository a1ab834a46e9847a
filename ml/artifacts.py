"""Save, verify and load a model artifact (the whole Pipeline) and its manifest.

An artifact is a folder ``<ML_ARTIFACT_DIR>/<version>/`` holding ``model.joblib``
(the fitted Pipeline), ``compiled.json`` (its tree exported as plain data, with
reference answers scikit-learn gave) and ``manifest.json``. The manifest records
both files' sha256; loading checks the bytes against the hashes the registry
expects *before* using them. Web workers serve from ``compiled.json`` and never
unpickle; ``load_pipeline`` (training, tools) verifies before it unpickles.
"""

from __future__ import annotations

import hashlib
import io
import json
import platform
import random
from datetime import UTC, datetime
from importlib.metadata import version as installed
from pathlib import Path
from typing import TYPE_CHECKING

from ml import features as F
from ml.compiled import EXPORT_FORMAT, CompiledTree, export_tree
from ml.dataset import Dataset
from ml.exceptions import ModelUnavailable

if TYPE_CHECKING:
    from ml.training import TrainingResult

MODEL_FILE, COMPILED_FILE, MANIFEST_FILE = (
    "model.joblib",
    "compiled.json",
    "manifest.json",
)
CHECK_SAMPLES = 300


def library_versions() -> dict[str, str]:
    """Versions that must match between training and serving (read, not imported)."""
    return {
        "python": platform.python_version(),
        "scikit-learn": installed("scikit-learn"),
        "joblib": installed("joblib"),
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


def compile_checked(pipeline) -> bytes:
    """The tree export plus reference answers from scikit-learn, which the compiled
    walk must reproduce exactly (here, and again wherever it is loaded)."""
    from ml.training import to_frame

    rng = random.Random(0)
    records = [
        F.PatientRecord(
            rng.randint(*map(int, F.RANGES[F.AGE])),
            *(rng.choice(F.CATEGORIES[n]) for n in F.CATEGORICAL),
            round(rng.uniform(*F.RANGES[F.NA_TO_K]), 3),
        )
        for _ in range(CHECK_SAMPLES)
    ]
    expected = [str(d) for d in pipeline.predict(to_frame(records))]
    export = export_tree(pipeline)
    export["checks"] = [
        [*r.as_row(), d] for r, d in zip(records, expected, strict=True)
    ]
    failing_checks(CompiledTree(export, {}, "new"), export)
    return (json.dumps(export, separators=(",", ":")) + "\n").encode()


def failing_checks(tree: CompiledTree, export: dict) -> None:
    """Refuse a compiled tree that does not give scikit-learn's reference answers."""
    wrong = [
        row
        for row in export.get("checks", [])
        if tree.predict_one(F.PatientRecord(*row[:5])).drug != row[5]
    ]
    if wrong or not export.get("checks"):
        raise ModelUnavailable(
            f"Model {tree.version}: the compiled tree does not reproduce "
            f"scikit-learn's answers ({len(wrong)} differ); retrain it."
        )


def save_artifact(result: TrainingResult, dataset: Dataset, directory: Path) -> dict:
    """Write a version folder (model, compiled tree, manifest); return the manifest."""
    import joblib

    buffer = io.BytesIO()
    joblib.dump(result.pipeline, buffer, compress=3)
    blob = buffer.getvalue()
    digest = hashlib.sha256(blob).hexdigest()
    compiled = compile_checked(result.pipeline)
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
        "compiled": {
            "file": COMPILED_FILE,
            "sha256": hashlib.sha256(compiled).hexdigest(),
            "format": EXPORT_FORMAT,
        },
    }
    folder = Path(directory) / version
    if (folder / MANIFEST_FILE).exists():  # the same bytes saved again this second
        existing = json.loads((folder / MANIFEST_FILE).read_text())
        if existing.get("sha256") == digest:
            return existing
    folder.mkdir(parents=True, exist_ok=False)
    (folder / MODEL_FILE).write_bytes(blob)
    (folder / COMPILED_FILE).write_bytes(compiled)
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
    compiled = manifest.get("compiled", {})
    read_verified(
        Path(folder) / compiled.get("file", COMPILED_FILE), compiled.get("sha256", "")
    )
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
    trained, here = str(libraries.get("scikit-learn", "?")), installed("scikit-learn")
    if trained.split(".")[:2] != here.split(".")[:2]:
        raise ModelUnavailable(
            f"Model was trained with scikit-learn {trained}, this server runs "
            f"{here}; retrain with `python manage.py train_model "
            f"--activate` or install scikit-learn {trained}."
        )


def load_compiled(
    model_path: Path, manifest: dict, version: str, observed: dict
) -> CompiledTree:
    """The served form of a registered model: hashes checked, then self-checked."""
    check_compatible(manifest.get("libraries", {}))
    compiled = manifest.get("compiled")
    if not compiled:
        raise ModelUnavailable(
            f"Model {version} has no compiled tree (made by an older drugsite); "
            "retrain with `python manage.py train_model --activate`."
        )
    read_verified(model_path, manifest["sha256"])
    blob = read_verified(Path(model_path).parent / compiled["file"], compiled["sha256"])
    try:
        export = json.loads(blob)
        tree = CompiledTree(export, observed, version)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ModelUnavailable(
            f"Model {version}: unreadable compiled tree ({exc})."
        ) from None
    failing_checks(tree, export)
    return tree


def load_pipeline(path: Path, sha256: str, libraries: dict):
    """Verify hash and library versions, then unpickle the Pipeline."""
    import joblib

    check_compatible(libraries)
    blob = read_verified(path, sha256)
    try:
        return joblib.load(io.BytesIO(blob))
    except Exception as exc:  # a verified file that still fails to unpickle
        raise ModelUnavailable(
            f"Model artifact {path} could not be loaded: {exc}."
        ) from exc
