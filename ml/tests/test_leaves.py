"""ml.leaves: a batch answered leaf by leaf gives each record's own answer exactly.

The single-record path (``Answerer.predict_one``, plain Python) is the reference;
answers are compared by ``repr``, so an int shown as a float, a rounding one
digit off or a reordered explanation all fail.
"""

import json
import random

import numpy as np
import pytest
from django.conf import settings

from ml import features as vocab
from ml.answers import Answerer
from ml.compiled import CompiledTree
from ml.leaves import rounded_3


def answerer(export: dict) -> Answerer:
    observed = {"Age": (15.0, 74.0), "Na_to_K": (6.269, 38.247)}
    return Answerer(CompiledTree(export), observed, "v-test")


@pytest.fixture(scope="module")
def served(trained_store) -> Answerer:
    """The bundled-data model as the server loads it: vote, sets and flips."""
    folder = trained_store / (trained_store / "VERSION").read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    export = json.loads((folder / manifest["compiled"]["file"]).read_text())
    assert "uncertainty" in export
    assert "conformal" in export
    return answerer(export)


@pytest.fixture(scope="module")
def deeper() -> Answerer:
    """A depth-5 tree on shuffled labels: several numeric steps per leaf, no vote."""
    from ml.dataset import load_dataset
    from ml.export import export_tree
    from ml.training import build_pipeline, to_frame

    dataset = load_dataset(settings.ML_DEFAULT_DATASET)
    labels = list(dataset.labels)
    random.Random(1).shuffle(labels)
    pipeline = build_pipeline().set_params(tree__max_depth=5)
    pipeline.fit(to_frame(dataset.records), np.asarray(labels))
    return answerer(export_tree(pipeline))


def records(count: int, seed: int) -> list:
    """Anything validation accepts, half of it near the trained thresholds."""
    rng, near = random.Random(seed), {"Age": (46, 55), "Na_to_K": (14.3, 15.3)}
    return [vocab.random_record(rng, near if i % 2 else None) for i in range(count)]


@pytest.mark.parametrize("model", ["served", "deeper"])
def test_a_batch_gives_every_record_its_single_answer(request, model):
    answers = request.getfixturevalue(model)
    batch = records(3000, seed=11)
    many = answers.predict_many(batch)
    assert [repr(a) for a in many] == [repr(answers.predict_one(r)) for r in batch]
    assert any(a.warnings for a in many)
    assert any(a.near_boundary for a in many)


def test_the_deeper_tree_picks_among_several_thresholds(deeper):
    explained = [a.explanation for a in deeper.predict_many(records(500, seed=12))]
    numeric = [sum(" = " not in reason for reason in e) for e in explained]
    assert max(numeric) >= 3


def test_the_served_batch_carries_sets_coverage_and_flips(served):
    many = served.predict_many(records(1000, seed=13))
    assert {a.coverage for a in many} == {served.confidence.coverage}
    assert {len(a.prediction_set) for a in many} >= {0, 1, 2}
    assert all(len(a.counterfactual) == len(vocab.NUMERIC) for a in many)


@pytest.mark.parametrize("size", [0, 1, 17])
def test_small_batches_are_answered_too(served, size):
    batch = records(size, seed=14)
    assert served.predict_many(batch) == [served.predict_one(r) for r in batch]


def test_rounded_3_is_pythons_round_also_on_ties():
    rng = random.Random(15)
    values = [abs(round(rng.uniform(1, 100), 3) - 14.8125) for _ in range(20_000)]
    values += [k / 2000 for k in range(20_000)]  # exact halves of the last digit
    values += [rng.uniform(0, 1e-3) for _ in range(2000)]
    values += [0.0, 5e-324, 0.0005, 0.0015, 0.0025, 2.675, 99.9995]
    got = rounded_3(np.array(values)).tolist()
    assert [repr(g) for g in got] == [repr(round(v, 3)) for v in values]
