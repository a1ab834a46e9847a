"""ml.predictor: the cached, verified predictor and the reference answers."""

import os
import random

import pytest

from ml import features as vocab
from ml import predictor
from ml.answers import Answerer
from ml.exceptions import ModelUnavailable
from ml.features import PatientRecord
from ml.reference import EXAMPLES, failing_examples
from ml.registry import model_version_activate, model_version_register

pytestmark = pytest.mark.django_db


@pytest.fixture
def always_refresh(settings):
    """Look up the active version on every call (and clear the cache now)."""
    settings.ML_MODEL_REFRESH_SECONDS = 0


@pytest.mark.parametrize(
    ("record", "expected"), EXAMPLES, ids=[drug for _, drug in EXAMPLES]
)
def test_predict_answers_the_tutorial_examples(active_model, record, expected):
    (result,) = predictor.predict([record])
    assert result.drug == expected
    assert result.model_version == active_model.version
    assert result.probability == 1.0


def test_no_reference_example_fails(active_model):
    assert failing_examples(predictor.predict) == []


def test_predict_in_a_batch_gives_the_one_by_one_answers(active_model, monkeypatch):
    rng = random.Random(5)
    records = [
        PatientRecord(
            rng.randint(0, 120),
            *(rng.choice(vocab.CATEGORIES[n]) for n in vocab.CATEGORICAL),
            round(rng.uniform(1, 100), 3),
        )
        for _ in range(300)
    ]
    one_by_one = [predictor.predict([r])[0] for r in records]
    batches = []
    original = Answerer.predict_many

    def spy(self, many):
        batches.append(len(many))
        return original(self, many)

    monkeypatch.setattr(Answerer, "predict_many", spy)
    assert predictor.predict(records) == one_by_one
    assert batches == [300]
    assert predictor.predict(records[:16]) == one_by_one[:16]
    assert batches == [300]


def test_no_active_model_is_unavailable_naming_train_model(always_refresh):
    with pytest.raises(ModelUnavailable, match="train_model"):
        predictor.get_predictor()
    with pytest.raises(ModelUnavailable, match="train_model"):
        predictor.predict([EXAMPLES[0][0]])


def test_get_predictor_returns_the_cached_predictor(active_model):
    first = predictor.get_predictor()
    assert predictor.get_predictor() is first
    assert first.version == active_model.version


def test_get_predictor_reuses_an_unchanged_model_on_refresh(
    active_model, always_refresh
):
    assert predictor.get_predictor() is predictor.get_predictor()


def test_get_predictor_follows_a_new_activation(
    active_model, always_refresh, other_folder
):
    first = predictor.get_predictor()
    other = model_version_register(folder=other_folder, trained_by="tests")
    model_version_activate(version=other.version, reason="tests")
    second = predictor.get_predictor()
    assert second.version == other.version != first.version
    assert predictor.predict([EXAMPLES[1][0]])[0].model_version == other.version


def test_get_predictor_reloads_a_modified_file(active_model, always_refresh):
    first = predictor.get_predictor()
    stat = os.stat(active_model.path)
    os.utime(active_model.path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    second = predictor.get_predictor()
    assert second is not first
    assert second.version == first.version


def test_get_predictor_stops_serving_a_tampered_file(
    active_model, always_refresh, tamper
):
    predictor.get_predictor()
    tamper(active_model.path)
    with pytest.raises(ModelUnavailable, match="does not match its registered sha256"):
        predictor.get_predictor()


def test_get_predictor_refuses_a_tampered_file_on_first_load(
    active_model, always_refresh, tamper
):
    tamper(active_model.path)
    with pytest.raises(ModelUnavailable, match="does not match"):
        predictor.get_predictor()


def test_get_predictor_stops_serving_a_deleted_file(active_model, always_refresh):
    predictor.get_predictor()
    active_model.path.unlink()
    with pytest.raises(ModelUnavailable, match="cannot be read"):
        predictor.get_predictor()


def test_get_predictor_refuses_another_scikit_learn_minor(active_model, always_refresh):
    major, minor, *_ = active_model.manifest["libraries"]["scikit-learn"].split(".")
    active_model.manifest["libraries"]["scikit-learn"] = f"{major}.{int(minor) + 1}"
    active_model.save(update_fields=["manifest"])
    with pytest.raises(ModelUnavailable, match="trained with scikit-learn"):
        predictor.get_predictor()
