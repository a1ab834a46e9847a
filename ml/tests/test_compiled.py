"""ml.compiled: the plain-Python tree finds the leaves scikit-learn finds."""

import random

import joblib
import numpy as np
import pytest

from ml import features as vocab
from ml.batch import Batch
from ml.compiled import CompiledTree
from ml.export import export_tree
from ml.training import to_frame


@pytest.fixture(scope="module")
def pipeline(trained_store):
    version = (trained_store / "VERSION").read_text()
    return joblib.load(trained_store / version / "model.joblib")


@pytest.fixture(scope="module")
def tree(pipeline) -> CompiledTree:
    return CompiledTree(export_tree(pipeline))


@pytest.fixture(scope="module")
def records() -> list:
    rng = random.Random(5)
    return [vocab.random_record(rng) for _ in range(2000)]


def test_leaf_of_is_the_leaf_scikit_learn_applies(pipeline, tree, records):
    X = pipeline.named_steps["encode"].transform(to_frame(records))
    expected = pipeline.named_steps["tree"].apply(X.astype(np.float32)).tolist()
    assert [tree.leaf_of(r.as_row()) for r in records] == expected


def test_walk_finds_the_same_leaves_for_a_whole_batch(tree, records):
    leaves = tree.walk(tree.encode_many(Batch.of_records(records)))
    assert leaves.tolist() == [tree.leaf_of(r.as_row()) for r in records]


def test_path_to_climbs_from_each_leaf_to_the_root(tree):
    for leaf in tree.leaves:
        steps = tree.path_to(leaf)
        assert steps[-1][0] == 0
        child = leaf
        for node, went_left in steps:
            assert (tree.left if went_left else tree.right)[node] == child
            child = node


def test_an_unknown_export_format_is_refused():
    with pytest.raises(ValueError, match="unknown tree export format"):
        CompiledTree({"format": "something-else"})
