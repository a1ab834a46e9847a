"""ml.management.commands: train, activate, list, register and generate."""

import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from ml.models import ModelVersion
from ml.synthetic import generate_csv

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def store(settings, tmp_path):
    settings.ML_ARTIFACT_DIR = tmp_path / "store"
    return settings.ML_ARTIFACT_DIR


@pytest.fixture
def sample_csv(tmp_path):
    path = tmp_path / "sample.csv"
    path.write_text(generate_csv(rows=200, seed=1))
    return path


def test_train_model_reports_registers_and_activates(store, sample_csv):
    out = run("train_model", "--data", str(sample_csv), "--activate")
    assert "(200 rows)" in out
    assert "Cross-validated accuracy: 1.0000" in out
    assert "stratified 5-fold, shuffled, seed 42" in out
    assert "Confusion matrix" in out
    row = ModelVersion.objects.get()
    assert row.is_active
    assert f"Activated {row.version}." in out
    assert (store / row.version / "model.joblib").is_file()
    assert row.path == store / row.version / "model.joblib"


def test_train_model_without_activate_leaves_the_version_inactive(store, sample_csv):
    run("train_model", "--data", str(sample_csv))
    assert not ModelVersion.objects.get().is_active


def test_train_model_refuses_a_bad_csv_listing_line_numbers(store, tmp_path):
    lines = generate_csv(rows=20, seed=1).splitlines()
    lines[3] = "47,M,,HIGH,13.093,drugC"
    lines[7] = "47,M,LOW,HIGH,abc,drugC"
    bad = tmp_path / "bad.csv"
    bad.write_text("\n".join(lines) + "\n")
    with pytest.raises(CommandError) as caught:
        run("train_model", "--data", str(bad), "--activate")
    assert "line 4: blank cell in column BP" in str(caught.value)
    assert "line 8: Na_to_K 'abc' is not a number" in str(caught.value)
    assert not ModelVersion.objects.exists()


def test_train_model_if_none_active_keeps_a_usable_model(active_model):
    out = run("train_model", "--if-none-active", "--activate")
    assert "already active; nothing to train" in out
    assert list(ModelVersion.objects.all()) == [active_model]


def test_train_model_if_none_active_trains_when_none_is(store, sample_csv):
    run("train_model", "--data", str(sample_csv), "--if-none-active", "--activate")
    assert ModelVersion.objects.get().is_active


def test_activate_model_activates_a_registered_version(model_folder, other_folder):
    run("register_model", str(model_folder), "--activate")
    run("register_model", str(other_folder))
    out = run("activate_model", other_folder.name, "--reason", "tests")
    assert f"Activated {other_folder.name}." in out
    assert ModelVersion.objects.get(is_active=True).version == other_folder.name


def test_activate_model_refuses_an_unknown_version(active_model):
    with pytest.raises(CommandError, match="No registered model version 'nope'"):
        run("activate_model", "nope", "--reason", "tests")
    assert ModelVersion.objects.get(is_active=True) == active_model


def test_list_models_marks_the_active_version(active_model, other_folder):
    run("register_model", str(other_folder))
    lines = run("list_models").splitlines()
    assert f"* {active_model.version}" in [line[:30].rstrip() for line in lines]
    assert any(line.startswith(f"  {other_folder.name}") for line in lines)
    assert sum(line.startswith("* ") for line in lines) == 1


def test_list_models_says_when_none_is_registered():
    assert "No model versions registered" in run("list_models")


def test_register_model_is_idempotent(model_folder):
    first = run("register_model", str(model_folder))
    second = run("register_model", str(model_folder))
    assert first == second == f"Registered {model_folder.name}.\n"
    assert ModelVersion.objects.count() == 1


def test_register_model_refuses_a_folder_without_manifest(tmp_path):
    with pytest.raises(CommandError, match="Cannot register"):
        run("register_model", str(tmp_path))


def test_generate_dataset_rewrites_the_bundled_file_exactly(tmp_path):
    out_file = tmp_path / "drug200.csv"
    out = run("generate_dataset", "--out", str(out_file))
    assert "Wrote 1000 rows (seed 200)" in out
    assert out_file.read_bytes() == settings.ML_DEFAULT_DATASET.read_bytes()


def test_generate_dataset_honours_rows_and_seed(tmp_path):
    out_file = tmp_path / "small.csv"
    run("generate_dataset", "--rows", "10", "--seed", "3", "--out", str(out_file))
    assert out_file.read_text() == generate_csv(rows=10, seed=3)
