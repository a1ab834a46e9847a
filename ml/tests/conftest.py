"""Fixtures of the ml app's tests: a second model version and a file tamperer."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings


@pytest.fixture(scope="session")
def other_store(tmp_path_factory) -> Path:
    """A store holding a second version (another tree seed, so other bytes)."""
    from ml.services import artifact_train

    store = tmp_path_factory.mktemp("other-artifacts")
    trained = artifact_train(data=settings.ML_DEFAULT_DATASET, store=store, seed=1)
    store.joinpath("VERSION").write_text(trained.manifest["version"])
    return store


@pytest.fixture
def other_folder(artifact_dir, other_store) -> Path:
    """The second version's folder, copied into this test's artifact store."""
    version = (other_store / "VERSION").read_text()
    shutil.copytree(other_store / version, artifact_dir / version)
    return artifact_dir / version


@pytest.fixture
def model_folder(artifact_dir) -> Path:
    """The bundled-data version's folder in this test's artifact store."""
    return artifact_dir / (artifact_dir / "VERSION").read_text()


@pytest.fixture
def tamper():
    """A function that flips one byte in the middle of a file (same size)."""

    def flip(path: Path) -> None:
        blob = bytearray(path.read_bytes())
        blob[len(blob) // 2] ^= 0xFF
        path.write_bytes(bytes(blob))

    return flip
