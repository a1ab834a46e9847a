"""manage.py drift: the table, the window and version options, and plain errors."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from ml.models import ModelVersion
from predictions.drift import drift_report
from predictions.tests.log_rows import log_rows, shifted_records, training_records

pytestmark = pytest.mark.django_db


def drift(*args) -> str:
    out = io.StringIO()
    call_command("drift", *args, stdout=out)
    return out.getvalue()


def test_the_table_shows_each_feature_with_its_figures(active_model):
    log_rows(active_model, shifted_records(300))
    text = drift()
    lines = text.splitlines()
    assert lines[0].startswith(f"Model version {active_model.version}: 300 input(s)")
    assert lines[1].split() == ["feature", "n", "PSI", "out", "of", "range", "verdict"]
    age = next(f for f in drift_report().features if f.name == "Age")
    row = next(line for line in lines if line.startswith("Age "))
    assert row.split()[:4] == [
        "Age",
        "300",
        f"{age.psi:.3f}",
        f"{age.out_of_range_share:.1%}",
    ]
    assert row.endswith("major shift")
    assert next(line for line in lines if line.startswith("Sex ")).endswith("stable")


def test_the_default_window_is_the_last_seven_days(active_model):
    now = timezone.now()
    log_rows(active_model, training_records()[:5], when=now - timedelta(days=6))
    log_rows(active_model, training_records()[:7], when=now - timedelta(days=8))
    assert ": 5 input(s) served from" in drift()
    assert ": 12 input(s)" in drift("--since", "9d")
    assert ": 7 input(s)" in drift("--since", "9d", "--until", "7d")


def test_dates_and_iso_times_name_the_window(active_model):
    log_rows(active_model, training_records()[:3], when=timezone.now())
    today = timezone.localdate()
    text = drift("--since", f"{today}", "--until", f"{today + timedelta(days=1)}T00:00")
    assert ": 3 input(s)" in text
    assert f"served from {today:%Y-%m-%d} 00:00 to" in text
    assert ": 0 input(s)" in drift("--since", "2020-01-01", "--until", "2020-02-01")


def test_an_empty_window_says_no_data(active_model):
    text = drift()
    assert ": 0 input(s)" in text
    assert text.count("no data") == 5


def test_a_version_can_be_named(active_model):
    log_rows(active_model, training_records()[:4])
    assert f"Model version {active_model.version}: 4" in drift(
        "--version", active_model.version
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "2026-13-01"], "--since '2026-13-01' is not a date (2026-11-01)"),
        (["--until", "yesterday"], "--until 'yesterday' is not a date"),
        (["--since", "7w"], "or a span (7d, 12h)"),
        (["--since", "1d", "--until", "2d"], "must be before --until"),
        (["--version", "nope"], "Unknown model version 'nope'"),
    ],
)
def test_bad_options_are_plain_errors(active_model, args, message):
    with pytest.raises(CommandError) as caught:
        drift(*args)
    assert message in str(caught.value)


def test_without_an_active_model_the_error_says_how_to_get_one(no_model):
    with pytest.raises(CommandError) as caught:
        drift()
    assert "train_model --activate" in str(caught.value)
    assert "--version" in str(caught.value)


def test_a_version_without_a_training_profile_says_retrain(active_model):
    ModelVersion.objects.create(
        version="old", sha256="1" * 64, artifact_path="x", manifest={"version": "old"}
    )
    text = drift("--version", "old")
    assert "was trained before drugsite recorded the training data's profile" in text
    assert "python manage.py train_model" in text
    assert "verdict" not in text
