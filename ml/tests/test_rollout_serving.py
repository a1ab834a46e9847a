"""ml.predictor and ml.serving: the candidate and the shadow are loaded, verified
and refreshed like the active version; each request's arm is chosen from a
stable key."""

import logging
import uuid

import pytest

from ml import predictor
from ml.exceptions import ModelUnavailable
from ml.registry import (
    model_version_activate,
    model_version_register,
    model_version_rollout,
)
from ml.serving import ACTIVE, arm_bucket

pytestmark = pytest.mark.django_db


@pytest.fixture
def always_refresh(settings):
    settings.ML_MODEL_REFRESH_SECONDS = 0


@pytest.fixture
def other(active_model, other_folder):
    """A second registered version, not serving yet."""
    return model_version_register(folder=other_folder, trained_by="tests")


def rollout(row, mode: str, percent: int = 0) -> None:
    model_version_rollout(
        version=row.version, mode=mode, traffic_percent=percent, reason="tests"
    )
    predictor.clear_cache()  # as on_commit would, outside the test's transaction


def test_without_a_trial_version_only_the_active_one_serves(active_model):
    serving = predictor.get_serving()
    assert serving.active.version == active_model.version
    assert (serving.candidate, serving.shadow) == (None, None)
    assert serving.choose("any key") == (ACTIVE, serving.active)


def test_the_candidate_and_the_shadow_are_loaded_in_one_query(
    active_model, other, django_assert_num_queries
):
    rollout(other, "candidate", 30)
    with django_assert_num_queries(1):
        serving = predictor.get_serving()
    assert serving.candidate.version == other.version
    assert serving.traffic_percent == 30
    assert serving.shadow is None

    rollout(other, "shadow")
    serving = predictor.get_serving()
    assert (serving.candidate, serving.shadow.version) == (None, other.version)
    assert predictor.get_predictor().version == active_model.version


def test_the_same_key_always_gets_the_same_arm(active_model, other):
    rollout(other, "candidate", 50)
    serving = predictor.get_serving()
    keys = [uuid.uuid4().hex for _ in range(200)]
    first = [serving.choose(key)[0] for key in keys]
    predictor.clear_cache()
    again = predictor.get_serving()
    assert [again.choose(key)[0] for key in keys] == first
    assert set(first) == {"active", "candidate"}


@pytest.mark.parametrize("percent", [0, 10, 100])
def test_the_candidate_gets_about_its_share_of_keys(active_model, other, percent):
    rollout(other, "candidate", percent)
    serving = predictor.get_serving()
    arms = [serving.choose(f"request-{i}")[0] for i in range(10_000)]
    share = arms.count("candidate") / len(arms)
    assert abs(share - percent / 100) < 0.015


def test_the_arm_bucket_is_the_keys_sha256_modulo_100():
    # sha256("abc") starts ba7816bf: 0xba7816bf = 3128432319; 3128432319 % 100 = 19
    assert arm_bucket("abc") == 19
    assert {arm_bucket(str(i)) for i in range(2000)} == set(range(100))


def test_a_tampered_candidate_is_left_out_and_the_active_one_serves(
    active_model, other, always_refresh, tamper, caplog
):
    rollout(other, "candidate", 100)
    assert predictor.get_serving().candidate.version == other.version
    tamper(other.folder / "compiled.json")

    with caplog.at_level(logging.ERROR, logger="ml.predictor"):
        serving = predictor.get_serving()
        predictor.get_serving()
    assert serving.candidate is None
    assert serving.choose("k") == (ACTIVE, serving.active)
    (logged,) = [r.getMessage() for r in caplog.records]  # once per damage
    assert other.version in logged
    assert "does not match" in logged


def test_a_damaged_active_version_still_stops_serving(
    active_model, other, always_refresh
):
    rollout(other, "shadow")
    predictor.get_serving()
    active_model.path.unlink()
    with pytest.raises(ModelUnavailable, match="cannot be read"):
        predictor.get_serving()


def test_a_promoted_candidate_is_served_as_the_active_one(
    active_model, other, always_refresh
):
    rollout(other, "candidate", 10)
    loaded = predictor.get_serving().candidate
    model_version_activate(version=other.version, reason="promoted")
    serving = predictor.get_serving()
    assert serving.active is loaded  # the loaded model is reused
    assert serving.candidate is None
