"""ml.checks: ml.W001 when no usable model would serve predictions."""

import pytest
from django.core.checks import run_checks

pytestmark = pytest.mark.django_db


def w001() -> list:
    return [message for message in run_checks() if message.id == "ml.W001"]


def test_w001_is_reported_when_no_model_is_active():
    (warning,) = w001()
    assert "No active model" in warning.msg
    assert "train_model --activate" in warning.hint


def test_w001_is_reported_when_the_active_file_is_tampered(active_model, tamper):
    tamper(active_model.path)
    (warning,) = w001()
    assert "does not match its registered sha256" in warning.msg


def test_w001_is_reported_when_the_active_file_is_missing(active_model):
    active_model.path.unlink()
    (warning,) = w001()
    assert "cannot be read" in warning.msg


def test_w001_is_not_reported_with_a_good_active_model(active_model):
    assert w001() == []
