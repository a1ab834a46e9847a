"""ml.counterfactual: the stated change flips the answer, and no smaller one does.

The oracle is the compiled tree walk (float32, as scikit-learn compares). Along one
feature the answer can only change where float32 inputs cross a threshold, so
checking every whole year (Age) or both float32 neighbours of every threshold
(Na_to_K) is exhaustive; a fine grid between the row and the flip is added.
"""

import json
import math
import random
from itertools import pairwise, product

import numpy as np
import pytest
from django.conf import settings

from ml import features as vocab
from ml.compiled import CompiledTree
from ml.counterfactual import Counterfactuals, left_limit, nearest_changes
from ml.reference import EXAMPLES

AGE, NA = vocab.NUMERIC.index("Age"), vocab.NUMERIC.index("Na_to_K")


@pytest.fixture(scope="module")
def export(trained_store) -> dict:
    """The compiled tree of the model trained on the bundled data, as served."""
    folder = trained_store / (trained_store / "VERSION").read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    return json.loads((folder / manifest["compiled"]["file"]).read_text())


@pytest.fixture(scope="module")
def noisy_export() -> dict:
    """A deeper tree, Age and Na_to_K splits interleaved: labels shuffled, depth 5."""
    from ml.dataset import load_dataset
    from ml.export import export_tree
    from ml.training import build_pipeline, to_frame

    dataset = load_dataset(settings.ML_DEFAULT_DATASET)
    labels = list(dataset.labels)
    random.Random(1).shuffle(labels)
    pipeline = build_pipeline().set_params(tree__max_depth=5)
    return export_tree(pipeline.fit(to_frame(dataset.records), np.asarray(labels)))


def synthetic(na_top: float = 20.004) -> dict:
    """Age: drugA to 50.2, drugX to 50.7 (no whole year), then by Na_to_K:
    drugB to 20.0, drugC to `na_top`, DrugY above."""
    classes = ["DrugY", "drugA", "drugB", "drugC", "drugX"]
    leaves = {1: "drugA", 3: "drugX", 5: "drugB", 7: "drugC", 8: "DrugY"}
    value = [[float(leaves.get(n) == c) for c in classes] for n in range(9)]
    return {
        "format": "drugsite-tree-1",
        "columns": ["Sex", "BP", "Cholesterol", "Age", "Na_to_K"],
        "codes": {name: list(values) for name, values in vocab.CATEGORIES.items()},
        "left": [1, -1, 3, -1, 5, -1, 7, -1, -1],
        "right": [2, -1, 4, -1, 6, -1, 8, -1, -1],
        "feature": [3, -2, 3, -2, 4, -2, 4, -2, -2],
        "threshold": [50.2, -2, 50.7, -2, 20.0, -2, na_top, -2, -2],
        "value": [v if any(v) else [0.2] * 5 for v in value],
        "classes": classes,
    }


def drug_of(tree: CompiledTree, row: tuple) -> str:
    counts = tree.value[tree.leaf_of(row)]
    return tree.classes[counts.index(max(counts))]


def sides(threshold: float, integer: bool) -> tuple:
    """The inputs just at-or-below and just above a threshold, as float32 sees it."""
    if integer:
        return math.floor(threshold), math.floor(threshold) + 1
    below = np.float32(threshold)
    if float(below) > threshold:
        below = np.nextafter(below, np.float32(-np.inf))
    return float(below), float(np.nextafter(below, np.float32(np.inf)))


def cuts_of(export: dict, name: str) -> list[float]:
    """The thresholds of the tree's splits on one feature."""
    col, features = export["columns"].index(name), export["feature"]
    return [t for t, f in zip(export["threshold"], features, strict=True) if f == col]


def candidates(export: dict, name: str) -> list:
    """Every input of `name` where the answer along it can change, within range."""
    low, high = vocab.RANGES[name]
    if name in vocab.INTEGER:
        return list(range(int(low), int(high) + 1))
    points = {low, high, *(s for t in cuts_of(export, name) for s in sides(t, False))}
    return sorted(p for p in points if low <= p <= high)


def probes(export: dict) -> list[tuple]:
    """Rows around every threshold and between them, for every category combination."""
    values = []
    for name in vocab.NUMERIC:
        low, high = vocab.RANGES[name]
        integer = name in vocab.INTEGER
        near = {s for t in cuts_of(export, name) for s in sides(t, integer)}
        edges = sorted({low, high, *near})
        middle = {(a + b) / 2 for a, b in pairwise(edges)}
        middle = {round(m) if integer else round(m, 3) for m in middle}
        values.append(sorted(v for v in {*edges, *middle} if low <= v <= high))
    categories = product(*vocab.CATEGORIES.values())
    return [(age, *c, na) for c, age, na in product(categories, *values)]


def check(export: dict, tree: CompiledTree, row: tuple, k: int, answer) -> None:
    """The answer for feature k flips to its drug, and nothing nearer flips."""
    name = vocab.NUMERIC[k]
    index, drug = vocab.FEATURES.index(name), drug_of(tree, row)

    def at(v) -> str:
        return drug_of(tree, (*row[:index], v, *row[index + 1 :]))

    x, integer = row[index], name in vocab.INTEGER
    flips = [v for v in candidates(export, name) if at(v) != drug]
    if answer is None:
        assert flips == [], (row, name)
        return
    value, (low, high) = answer["value"], vocab.RANGES[name]
    assert answer["feature"] == name
    assert low <= value <= high
    assert at(value) == answer["drug"] != drug, (row, answer)
    assert "change" not in answer  # the value to reach says it; rows share answers
    assert answer["direction"] == ("above" if value > x else "below")
    sign = 1 if value > x else -1
    step = 1 if integer else 10.0 ** -len(repr(value).partition(".")[2])
    short = value - sign * step  # one unit of the stated precision short of it
    reach = abs(short - x) if sign * (short - x) > 0 else 0
    assert all(abs(v - x) > reach for v in flips), (row, answer)
    # 200 steps all the way, and steps of 0.001 over the last 0.1 before `short`.
    grid = [*np.linspace(0, reach, 200), *np.arange(max(0, reach - 0.1), reach, 1e-3)]
    assert all(at(x + sign * d) == drug for d in grid), (row, answer)


def test_every_leaf_and_category_combination_gets_the_nearest_flip(export):
    tree, flips = CompiledTree(export), Counterfactuals(export)
    rows, reached = probes(export), set()
    for row in rows:
        reached.add(tree.leaf_of(row))
        answers = flips.for_row(row)
        check(export, tree, row, AGE, answers[AGE])
        check(export, tree, row, NA, answers[NA])
    assert reached == set(tree.leaves)


@pytest.mark.parametrize(("record", "expected"), EXAMPLES)
def test_the_tutorial_examples_flip_where_data_md_says(export, record, expected):
    row = record.as_row()
    assert drug_of(CompiledTree(export), row) == expected
    age, na = Counterfactuals(export).for_row(row)
    assert na["drug"] == ("drugC" if expected == "DrugY" else "DrugY")
    assert abs(na["value"] - 14.83) < 0.05  # "Na_to_K above about 14.83"
    assert na["text"].startswith("Na_to_K ≥ " if row[4] < 14.8 else "Na_to_K ≤ ")
    if expected == "drugA":  # BP HIGH: Age above 50 gives drugB
        assert (age["value"], age["drug"]) == (51, "drugB")
    else:  # BP LOW: no age makes a difference
        assert age is None


@pytest.mark.parametrize(
    ("row", "age", "na"),
    [
        # The drugX band (50.2, 50.7] holds no whole year: Age 51 is the flip.
        ((50, "F", "HIGH", "HIGH", 10.0), (51, "drugB"), None),
        # The drugC band (20.0, 20.004] is narrower than 0.01: 3 decimals.
        ((60, "F", "LOW", "HIGH", 19.9), (50, "drugA"), (20.001, "drugC")),
        # Down by 0.002 to drugB beats up by 0.008 to DrugY.
        ((60, "M", "LOW", "HIGH", 20.002), (50, "drugA"), (20.0, "drugB")),
    ],
)
def test_awkward_bands_are_stated_with_an_input_that_lands_in_them(row, age, na):
    answers = Counterfactuals(synthetic()).for_row(row)
    shown = [None if a is None else (a["value"], a["drug"]) for a in answers]
    assert shown == [age, na]


def test_a_flip_beyond_the_accepted_range_is_not_offered():
    export = synthetic(na_top=100.5)
    na = Counterfactuals(export).for_row((60, "F", "LOW", "HIGH", 99.0))[1]
    assert na["drug"] == "drugB"  # DrugY needs Na_to_K above 100.5: not offered
    assert Counterfactuals(export).for_row((60, "F", "LOW", "HIGH", 20.5))[1] == {
        "feature": "Na_to_K", "direction": "below", "value": 20.0,
        "drug": "drugB", "text": "Na_to_K ≤ 20.0 → drugB",
    }  # fmt: skip


@pytest.mark.parametrize("na_top", [20.004, 100.5])
def test_synthetic_trees_pass_the_oracle_check_everywhere(na_top):
    export = synthetic(na_top)
    tree, flips = CompiledTree(export), Counterfactuals(export)
    for row in probes(export):
        answers = flips.for_row(row)
        check(export, tree, row, AGE, answers[AGE])
        check(export, tree, row, NA, answers[NA])


def test_a_deeper_tree_passes_the_oracle_check_on_a_sample(noisy_export):
    tree, flips, rng = (
        CompiledTree(noisy_export),
        Counterfactuals(noisy_export),
        random.Random(3),
    )
    rows = rng.sample(probes(noisy_export), 600)
    rows += [vocab.random_record(rng).as_row() for _ in range(200)]
    for row in rows:
        answers = flips.for_row(row)
        check(noisy_export, tree, row, AGE, answers[AGE])
        check(noisy_export, tree, row, NA, answers[NA])


def test_the_plain_function_gives_the_tables_answer(export):
    row = (47, "F", "HIGH", "HIGH", 14.0)
    assert nearest_changes(export, row) == Counterfactuals(export).for_row(row)


@pytest.mark.parametrize("threshold", [14.8125, 50.5, 0.5, 20.004, 14.82849979])
def test_left_limit_is_the_last_float64_that_float32_sends_left(threshold):
    limit = left_limit(threshold)
    assert float(np.float32(limit)) <= threshold
    assert float(np.float32(math.nextafter(limit, math.inf))) > threshold
