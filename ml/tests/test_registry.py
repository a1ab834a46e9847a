"""ml.registry and ml.models: one row per artifact, at most one active."""

import pytest
import sklearn
from django.db import IntegrityError, transaction

from ml.exceptions import ModelUnavailable
from ml.models import ModelVersion
from ml.registry import model_version_activate, model_version_register

pytestmark = pytest.mark.django_db


def register(folder) -> ModelVersion:
    return model_version_register(folder=folder, trained_by="tests")


def test_register_records_the_manifest(model_folder):
    row = register(model_folder)
    assert row.version == model_folder.name
    assert row.artifact_path == f"{model_folder.name}/model.joblib"
    assert row.path == model_folder / "model.joblib"
    assert row.classes == ["DrugY", "drugA", "drugB", "drugC", "drugX"]
    assert row.cv_accuracy >= 0.99
    assert row.trained_by == "tests"
    assert not row.is_active


def test_register_the_same_folder_twice_gives_one_row(model_folder):
    first, second = register(model_folder), register(model_folder)
    assert first.pk == second.pk
    assert ModelVersion.objects.count() == 1


def test_register_refuses_a_tampered_folder(model_folder, tamper):
    tamper(model_folder / "model.joblib")
    with pytest.raises(ModelUnavailable):
        register(model_folder)
    assert not ModelVersion.objects.exists()


def test_activation_is_exclusive(model_folder, other_folder):
    a, b = register(model_folder), register(other_folder)
    model_version_activate(version=a.version, reason="tests")
    assert list(ModelVersion.objects.filter(is_active=True)) == [a]
    model_version_activate(version=b.version, reason="tests")
    assert list(ModelVersion.objects.filter(is_active=True)) == [b]
    assert ModelVersion.objects.active() == b
    assert ModelVersion.objects.get(pk=b.pk).activated_at is not None


def test_the_database_rejects_two_active_rows(model_folder, other_folder):
    a, b = register(model_folder), register(other_folder)
    model_version_activate(version=a.version, reason="tests")
    with pytest.raises(IntegrityError), transaction.atomic():
        ModelVersion.objects.filter(pk=b.pk).update(is_active=True)
    assert list(ModelVersion.objects.filter(is_active=True)) == [a]


def test_activating_an_unknown_version_names_the_known_ones(model_folder):
    row = register(model_folder)
    with pytest.raises(ModelUnavailable) as caught:
        model_version_activate(version="no-such-version", reason="tests")
    assert "'no-such-version'" in str(caught.value)
    assert row.version in str(caught.value)


def test_activating_a_tampered_version_keeps_the_previous_one(
    model_folder, other_folder, tamper
):
    a, b = register(model_folder), register(other_folder)
    model_version_activate(version=a.version, reason="tests")
    tamper(other_folder / "model.joblib")
    with pytest.raises(ModelUnavailable, match="does not match"):
        model_version_activate(version=b.version, reason="tests")
    assert ModelVersion.objects.active() == a


def test_activating_a_version_whose_file_is_gone_keeps_the_previous_one(
    model_folder, other_folder
):
    a, b = register(model_folder), register(other_folder)
    model_version_activate(version=a.version, reason="tests")
    (other_folder / "model.joblib").unlink()
    with pytest.raises(ModelUnavailable, match="cannot be read"):
        model_version_activate(version=b.version, reason="tests")
    assert ModelVersion.objects.active() == a


def test_activating_a_version_from_another_scikit_learn_minor_is_refused(
    model_folder,
):
    row = register(model_folder)
    major, minor, *_ = sklearn.__version__.split(".")
    row.manifest["libraries"]["scikit-learn"] = f"{major}.{int(minor) + 1}.0"
    row.save(update_fields=["manifest"])
    with pytest.raises(ModelUnavailable, match="trained with scikit-learn"):
        model_version_activate(version=row.version, reason="tests")
    assert not ModelVersion.objects.filter(is_active=True).exists()


def test_no_active_version_without_a_model_says_how_to_train_one():
    with pytest.raises(ModelUnavailable, match="train_model --activate"):
        ModelVersion.objects.active()
