"""The commands that change what serves take a reason and record it:
activate_model, rollback_model, rollout_model, and the activating train_model
and register_model with their default reasons."""

import io

import pytest
from django.core.management import CommandError, call_command

from ml.changes import NONE_USABLE, REGISTERED, TRAINED
from ml.models import ModelChange, ModelVersion, Rollout
from ml.synthetic import generate_csv

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def last_change() -> tuple:
    change = ModelChange.objects.first()
    return change.action, change.version.version, change.reason, change.username


@pytest.fixture
def two(model_folder, other_folder) -> tuple[str, str]:
    """Two registered versions, the first one active (by register_model)."""
    run("register_model", str(model_folder), "--activate")
    run("register_model", str(other_folder))
    return model_folder.name, other_folder.name


def test_activate_model_requires_a_reason(two):
    with pytest.raises(CommandError, match="--reason"):
        run("activate_model", two[1])
    with pytest.raises(CommandError, match="A reason is required"):
        run("activate_model", two[1], "--reason", " ")
    assert ModelVersion.objects.get(is_active=True).version == two[0]


def test_activate_model_records_its_reason(two):
    assert f"Activated {two[1]}." in run("activate_model", two[1], "--reason", "why")
    assert last_change() == ("activate", two[1], "why", "")
    assert ModelChange.objects.first().previous.version == two[0]


def test_activate_model_refuses_the_active_version(two):
    with pytest.raises(CommandError, match="already active"):
        run("activate_model", two[0], "--reason", "again")


def test_rollback_model_goes_back_and_says_where(two):
    run("activate_model", two[1], "--reason", "try")
    out = run("rollback_model", "--reason", "worse")
    assert f"Rolled back to {two[0]}." in out
    assert last_change() == ("rollback", two[0], "worse", "")


def test_rollback_model_without_history_before_is_a_command_error(two):
    with pytest.raises(CommandError, match="No earlier version"):
        run("rollback_model", "--reason", "r")


@pytest.mark.parametrize(
    ("flags", "rollout", "share", "said"),
    [
        (["--candidate", "10"], Rollout.CANDIDATE, 10, "the candidate at 10 %"),
        (["--shadow"], Rollout.SHADOW, 0, "in shadow"),
    ],
)
def test_rollout_model_makes_a_candidate_or_a_shadow(two, flags, rollout, share, said):
    out = run("rollout_model", two[1], *flags, "--reason", "try it")
    row = ModelVersion.objects.get(version=two[1])
    assert (row.rollout, row.traffic_percent) == (rollout, share)
    assert f"Model {two[1]} is now {said}." in out
    assert last_change() == (rollout, two[1], "try it", "")


def test_rollout_model_retires(two):
    run("rollout_model", two[1], "--shadow", "--reason", "r")
    assert "out of rollout" in run("rollout_model", two[1], "--retire", "--reason", "r")
    assert ModelVersion.objects.get(version=two[1]).rollout == Rollout.NONE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--candidate", "150"], "from 0 to 100, not 150"),
        (["--shadow", "--retire"], "not allowed with argument"),
        ([], "one of the arguments --candidate --shadow --retire is required"),
    ],
)
def test_rollout_model_refuses_bad_arguments(two, args, message):
    with pytest.raises(CommandError, match=message):
        run("rollout_model", two[1], *args, "--reason", "r")
    assert ModelVersion.objects.get(version=two[1]).rollout == Rollout.NONE


def test_rollout_model_refuses_the_active_version(two):
    with pytest.raises(CommandError, match="is the active version"):
        run("rollout_model", two[0], "--shadow", "--reason", "r")


def test_train_model_activate_records_its_default_reason(settings, tmp_path):
    settings.ML_ARTIFACT_DIR = tmp_path / "store"
    data = tmp_path / "sample.csv"
    data.write_text(generate_csv(rows=200, seed=1))
    run("train_model", "--data", str(data), "--activate")
    assert last_change()[::2] == ("activate", TRAINED)
    run(
        "train_model", "--data", str(data), "--seed", "3", "--activate", "--reason", "x"
    )
    assert last_change()[::2] == ("activate", "x")


def test_register_model_records_its_default_reasons(artifact_dir, other_folder):
    version = (artifact_dir / "VERSION").read_text()
    run("register_model", str(artifact_dir / version), "--activate-if-none")
    assert last_change() == ("activate", version, NONE_USABLE, "")
    run("register_model", str(other_folder), "--activate")
    assert last_change() == ("activate", other_folder.name, REGISTERED, "")
    run("register_model", str(other_folder), "--activate")  # already: as it was
    assert ModelChange.objects.count() == 2


def test_list_models_names_the_candidate_and_the_shadow(two):
    run("rollout_model", two[1], "--candidate", "25", "--reason", "r")
    (line,) = [x for x in run("list_models").splitlines() if two[1] in x]
    assert line.endswith("the candidate at 25 %")
