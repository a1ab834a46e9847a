"""ml.artifacts: the Pipeline and its manifest, verified before unpickling."""

import hashlib
import json
from datetime import UTC, datetime

import joblib
import pytest
import sklearn
from django.conf import settings

from ml import artifacts
from ml import features as vocab
from ml.artifacts import load_pipeline, read_manifest, read_verified, save_artifact
from ml.dataset import load_dataset
from ml.exceptions import ModelUnavailable
from ml.export import compile_checked
from ml.training import TrainingResult

REQUIRED = {
    "version",
    "created_at",
    "artifact",
    "sha256",
    "data",
    "features",
    "target",
    "classes",
    "hyperparameters",
    "metrics",
    "libraries",
}


@pytest.fixture
def manifest(trained_store) -> dict:
    version = (trained_store / "VERSION").read_text()
    return json.loads((trained_store / version / "manifest.json").read_text())


def other_minor(version: str) -> str:
    major, minor, *_ = version.split(".")
    return f"{major}.{int(minor) + 1}.0"


def test_save_artifact_writes_the_model_and_its_manifest(trained_store, manifest):
    folder = trained_store / manifest["version"]
    assert sorted(p.name for p in folder.iterdir()) == [
        "compiled.json",
        "manifest.json",
        "model.joblib",
    ]
    assert set(manifest) >= REQUIRED
    assert manifest["artifact"] == "model.joblib"
    blob = (folder / "model.joblib").read_bytes()
    assert manifest["sha256"] == hashlib.sha256(blob).hexdigest()
    assert manifest["version"].endswith(manifest["sha256"][:8])
    assert datetime.fromisoformat(manifest["created_at"]).tzinfo is not None


def test_manifest_records_the_training_data(manifest):
    data = settings.ML_DEFAULT_DATASET.read_bytes()
    assert manifest["data"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["data"]["rows"] == 1000
    assert manifest["target"] == "Drug"


def test_manifest_records_the_feature_schema(manifest):
    features = {entry["name"]: entry for entry in manifest["features"]}
    assert list(features) == list(vocab.FEATURES)
    for name, allowed in vocab.CATEGORIES.items():
        assert features[name]["allowed"] == list(allowed)
    dataset = load_dataset(settings.ML_DEFAULT_DATASET)
    na_to_k = [r.na_to_k for r in dataset.records]
    assert features["Age"]["observed_range"] == [15, 74]
    assert features["Na_to_K"]["observed_range"] == [min(na_to_k), max(na_to_k)]
    assert features["Age"]["allowed_range"] == [0, 120]
    assert features["Age"]["kind"] == "integer"


def test_manifest_records_classes_hyperparameters_metrics_and_libraries(manifest):
    assert manifest["classes"] == sorted(vocab.LABELS)
    assert manifest["hyperparameters"]["criterion"] == "gini"
    assert manifest["hyperparameters"]["random_state"] == 0
    assert manifest["metrics"]["cv"]["mean"] >= 0.99
    assert manifest["libraries"]["scikit-learn"] == sklearn.__version__
    assert manifest["libraries"]["joblib"] == joblib.__version__
    assert manifest["libraries"]["python"].startswith("3.11")


def test_read_verified_returns_the_bytes_of_an_intact_artifact(model_folder):
    manifest = read_manifest(model_folder)
    blob = read_verified(model_folder / "model.joblib", manifest["sha256"])
    assert blob == (model_folder / "model.joblib").read_bytes()


def test_read_verified_refuses_a_tampered_artifact(model_folder, tamper):
    sha = read_manifest(model_folder)["sha256"]
    tamper(model_folder / "model.joblib")
    with pytest.raises(ModelUnavailable, match="does not match its registered sha256"):
        read_verified(model_folder / "model.joblib", sha)
    with pytest.raises(ModelUnavailable):
        read_manifest(model_folder)


def test_read_verified_refuses_a_missing_artifact(model_folder):
    sha = read_manifest(model_folder)["sha256"]
    (model_folder / "model.joblib").unlink()
    with pytest.raises(ModelUnavailable, match="cannot be read"):
        read_verified(model_folder / "model.joblib", sha)


def test_read_manifest_refuses_a_folder_without_manifest(tmp_path):
    with pytest.raises(ModelUnavailable, match="Cannot read the manifest"):
        read_manifest(tmp_path)


def test_load_pipeline_loads_a_verified_pipeline(model_folder, manifest):
    pipeline = load_pipeline(
        model_folder / "model.joblib", manifest["sha256"], manifest["libraries"]
    )
    assert list(pipeline.named_steps) == ["encode", "tree"]
    assert list(pipeline.classes_) == manifest["classes"]


def test_load_pipeline_refuses_a_tampered_artifact(model_folder, manifest, tamper):
    tamper(model_folder / "model.joblib")
    with pytest.raises(ModelUnavailable, match="does not match"):
        load_pipeline(
            model_folder / "model.joblib", manifest["sha256"], manifest["libraries"]
        )


def test_load_pipeline_refuses_a_missing_artifact(model_folder, manifest):
    (model_folder / "model.joblib").unlink()
    with pytest.raises(ModelUnavailable, match="cannot be read"):
        load_pipeline(
            model_folder / "model.joblib", manifest["sha256"], manifest["libraries"]
        )


def test_load_pipeline_refuses_another_scikit_learn_minor(model_folder, manifest):
    claimed = other_minor(sklearn.__version__)
    libraries = manifest["libraries"] | {"scikit-learn": claimed}
    with pytest.raises(ModelUnavailable) as caught:
        load_pipeline(model_folder / "model.joblib", manifest["sha256"], libraries)
    assert claimed in str(caught.value)
    assert sklearn.__version__ in str(caught.value)


def test_load_pipeline_accepts_another_scikit_learn_patch(model_folder, manifest):
    major, minor, *_ = sklearn.__version__.split(".")
    libraries = manifest["libraries"] | {"scikit-learn": f"{major}.{minor}.99"}
    pipeline = load_pipeline(
        model_folder / "model.joblib", manifest["sha256"], libraries
    )
    assert list(pipeline.classes_) == manifest["classes"]


class FrozenClock(datetime):
    @classmethod
    def now(cls, tz=None):
        return datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)


def test_save_artifact_twice_in_the_same_second_does_not_crash(
    model_folder, manifest, tmp_path, monkeypatch
):
    """Retraining the same data within a second gives the same bytes and version."""
    pipeline = joblib.load(model_folder / "model.joblib")
    result = TrainingResult(pipeline, manifest["metrics"], manifest["hyperparameters"])
    dataset = load_dataset(settings.ML_DEFAULT_DATASET)
    monkeypatch.setattr(artifacts, "datetime", FrozenClock)
    compiled = compile_checked(pipeline)
    first = save_artifact(result, dataset, tmp_path, compiled)
    second = save_artifact(result, dataset, tmp_path, compiled)
    assert read_manifest(tmp_path / second["version"])["sha256"] == first["sha256"]
