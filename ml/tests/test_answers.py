"""ml.answers: explained answers from the compiled tree, as sklearn decides."""

import json
import math
import random
import re

import joblib
import numpy as np
import pytest

from ml import features as vocab
from ml.answers import Answerer
from ml.compiled import CompiledTree
from ml.export import export_tree
from ml.features import PatientRecord
from ml.training import to_frame

NUMERIC = re.compile(r"(?P<name>\w+) (?P<value>\S+) (?P<op><=|>) (?P<shown>\S+)")


@pytest.fixture(scope="module")
def pipeline(trained_store):
    version = (trained_store / "VERSION").read_text()
    return joblib.load(trained_store / version / "model.joblib")


@pytest.fixture(scope="module")
def tree(pipeline, trained_store) -> Answerer:
    version = (trained_store / "VERSION").read_text()
    manifest = json.loads((trained_store / version / "manifest.json").read_text())
    observed = {
        f["name"]: tuple(f["observed_range"])
        for f in manifest["features"]
        if "observed_range" in f
    }
    return Answerer(CompiledTree(export_tree(pipeline)), observed, version)


def random_records(count: int, seed: int) -> list[PatientRecord]:
    """In-range records, a third of them close to the trained thresholds."""
    rng = random.Random(seed)
    records = []
    for i in range(count):
        near = i % 3 == 0
        age = rng.randint(48, 53) if near else rng.randint(0, 120)
        na_to_k = rng.uniform(14.3, 15.3) if near else rng.uniform(1, 100)
        categories = (rng.choice(vocab.CATEGORIES[n]) for n in vocab.CATEGORICAL)
        records.append(PatientRecord(age, *categories, round(na_to_k, 3)))
    return records


def sklearn_path(pipeline, record: PatientRecord) -> list[tuple[str, bool, float]]:
    """(feature, went_left, threshold) for each split on sklearn's decision path."""
    encode, model = pipeline.named_steps["encode"], pipeline.named_steps["tree"]
    names = [n.split("__")[-1] for n in encode.get_feature_names_out()]
    x = encode.transform(to_frame([record])).astype(np.float32)
    t = model.tree_
    nodes = sorted(model.decision_path(x).indices.tolist())
    return [
        (
            names[t.feature[n]],
            bool(x[0, t.feature[n]] <= t.threshold[n]),
            t.threshold[n],
        )
        for n in nodes
        if t.children_left[n] != -1
    ]


def test_compiled_walk_agrees_with_the_pipeline(pipeline, tree):
    records = random_records(3000, seed=1)
    frame = to_frame(records)
    expected = pipeline.predict(frame).tolist()
    probabilities = pipeline.predict_proba(frame)
    results = [tree.predict_one(r) for r in records]
    assert [r.drug for r in results] == expected
    got = np.array([[r.probabilities[c] for c in pipeline.classes_] for r in results])
    np.testing.assert_allclose(got, probabilities)


def test_compiled_batch_gives_the_single_record_answers(tree):
    records = random_records(500, seed=2)
    assert tree.predict_many(records) == [tree.predict_one(r) for r in records]


def test_explanation_follows_the_sklearn_decision_path(pipeline, tree):
    for record in random_records(600, seed=3):
        row = record.as_dict()
        expected, seen = [], set()
        for name, went_left, threshold in sklearn_path(pipeline, record):
            if name in vocab.CATEGORIES:
                if name not in seen:
                    seen.add(name)
                    expected.append(f"{name} = {row[name]}")
                continue
            assert bool(np.float32(row[name]) <= threshold) is went_left
            op = "<=" if went_left else ">"
            shown = (math.ceil if went_left else math.floor)(threshold * 100) / 100
            expected.append(f"{name} {row[name]} {op} {shown:g}")
        explanation = tree.predict_one(record).explanation
        assert list(explanation) == expected, record


def explained_conditions(tree, record):
    """The numeric conditions of an explanation, parsed."""
    return [
        NUMERIC.fullmatch(reason)
        for reason in tree.predict_one(record).explanation
        if " = " not in reason
    ]


def test_explanation_conditions_hold_as_displayed_near_thresholds(tree):
    """An explanation never says something false, e.g. 'Na_to_K 14.812 <= 14.81'."""
    false = []
    for step in range(61):  # 14.780 to 14.840, three decimals as in the data
        value = round(14.78 + step / 1000, 3)
        record = PatientRecord(47, "F", "HIGH", "HIGH", value)
        for match in explained_conditions(tree, record):
            number, shown = float(match["value"]), float(match["shown"])
            holds = number <= shown if match["op"] == "<=" else number > shown
            if not holds:
                false.append(match.group(0))
    assert false == []


@pytest.mark.parametrize(("na_to_k", "near"), [(14.9, True), (14.7, True), (30, False)])
def test_boundary_marks_a_value_close_to_the_na_to_k_threshold(tree, na_to_k, near):
    result = tree.predict_one(PatientRecord(47, "F", "LOW", "HIGH", na_to_k))
    assert result.near_boundary is near
    assert result.boundary.feature == "Na_to_K"
    assert result.boundary.distance == pytest.approx(abs(na_to_k - 14.8125), abs=1e-3)


def test_boundary_marks_an_age_close_to_the_age_threshold(tree):
    result = tree.predict_one(PatientRecord(51, "M", "HIGH", "HIGH", 10.0))
    assert result.drug == "drugB"
    assert result.near_boundary
    assert result.boundary.feature == "Age"
    assert result.boundary.threshold == 50.5


@pytest.mark.parametrize(
    ("record", "named"),
    [
        (PatientRecord(120, "F", "LOW", "HIGH", 10.114), ["Age"]),
        (PatientRecord(47, "F", "LOW", "HIGH", 60.0), ["Na_to_K"]),
        (PatientRecord(5, "F", "LOW", "HIGH", 2.0), ["Age", "Na_to_K"]),
        (PatientRecord(47, "F", "LOW", "HIGH", 10.114), []),
    ],
)
def test_values_outside_the_training_range_are_warned_about(tree, record, named):
    warnings = tree.predict_one(record).warnings
    assert [w.split()[0] for w in warnings] == named
    assert all("outside the training data's range" in w for w in warnings)
