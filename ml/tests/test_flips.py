"""ml.flips: a batch's nearest flips are ``Counterfactuals.for_row``'s, row by row."""

import json
import random

import pytest

from ml import features as vocab
from ml.batch import Batch
from ml.counterfactual import Counterfactuals
from ml.flips import BatchFlips
from ml.tests.test_counterfactual import probes, synthetic


@pytest.fixture(scope="module")
def export(trained_store) -> dict:
    folder = trained_store / (trained_store / "VERSION").read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    return json.loads((folder / manifest["compiled"]["file"]).read_text())


def assert_batch_is_row_by_row(export: dict, rows: list[tuple]) -> None:
    flips = Counterfactuals(export)
    many = BatchFlips(flips).many(Batch.of_rows(rows)).tolist()
    assert many == [flips.for_row(row) for row in rows]


def test_the_served_trees_flips_in_a_batch(export):
    rng = random.Random(21)
    rows = probes(export) + [vocab.random_record(rng).as_row() for _ in range(2000)]
    assert_batch_is_row_by_row(export, rows)


@pytest.mark.parametrize("na_top", [20.004, 100.5])
def test_awkward_bands_and_flips_out_of_range_in_a_batch(na_top):
    export = synthetic(na_top)
    assert_batch_is_row_by_row(export, probes(export))


def test_rows_that_flip_at_the_same_points_share_one_answer(export):
    rows = [(47, "F", "HIGH", "HIGH", 20.5), (48, "F", "HIGH", "HIGH", 21.5)]
    first, second = BatchFlips(Counterfactuals(export)).many(Batch.of_rows(rows))
    assert first is second
