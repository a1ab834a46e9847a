"""ml.services: training is one call, from the CSV to a registered version."""

import pytest
from django.conf import settings

from ml.artifacts import MANIFEST_FILE, version_folder
from ml.models import ModelVersion
from ml.services import artifact_train, model_version_train
from ml.synthetic import generate_csv


@pytest.fixture
def small_csv(tmp_path):
    path = tmp_path / "small.csv"
    path.write_text(generate_csv(rows=200, seed=1))
    return path


def test_artifact_train_saves_a_version_folder_where_the_layout_says(
    small_csv, tmp_path
):
    trained = artifact_train(data=small_csv, store=tmp_path / "store")
    assert trained.folder == version_folder(
        tmp_path / "store", trained.manifest["version"]
    )
    assert (trained.folder / MANIFEST_FILE).exists()
    assert trained.dataset.rows == 200
    assert trained.manifest["data"]["rows"] == 200


@pytest.mark.django_db
def test_model_version_train_registers_and_activates_in_the_store(
    small_csv, settings, tmp_path
):
    settings.ML_ARTIFACT_DIR = tmp_path / "store"
    version, trained = model_version_train(
        data=small_csv, activate=True, trained_by="tests"
    )
    assert ModelVersion.objects.active() == version
    assert version.folder == trained.folder.resolve()
    assert version.trained_by == "tests"


@pytest.mark.django_db
def test_model_version_train_without_activate_leaves_the_active_one(
    active_model, small_csv
):
    version, _ = model_version_train(data=small_csv)
    assert not version.is_active
    assert ModelVersion.objects.active() == active_model
    assert version.folder.is_relative_to(settings.ML_ARTIFACT_DIR)
