"""ml.uncertainty: a vote exact to its trees, sure far from thresholds, not near."""

import functools
import json
import random

import numpy as np
import pytest
from django.conf import settings

from ml import features as vocab
from ml.calibration import (
    brier_score,
    calibration_figures,
    expected_calibration_error,
    out_of_fold,
)
from ml.dataset import load_dataset
from ml.uncertainty import COLUMNS, Uncertainty
from ml.votes import compile_votes, draw, draw_tree, encode, fit_uncertainty


@functools.cache
def bundled():
    """The bundled data, its vote and its out-of-fold scores, trained once per run."""
    data = load_dataset(settings.ML_DEFAULT_DATASET)
    vote = fit_uncertainty(data.records, data.labels)
    return data, vote, out_of_fold(data.records, data.labels)


@pytest.fixture(scope="session")
def data():
    return bundled()[0]


@pytest.fixture(scope="session")
def vote() -> Uncertainty:
    return Uncertainty(json.loads(json.dumps(bundled()[1])))


def random_rows(count: int, seed: int, na_to_k=(1.0, 100.0)) -> list[tuple]:
    rng = random.Random(seed)
    ranges = {"Na_to_K": na_to_k}
    return [vocab.random_record(rng, ranges).as_row() for _ in range(count)]


def walk(tree, x: np.ndarray) -> int:
    """The class one drawn tree votes for, float32 inputs compared as sklearn does."""
    node = 0
    while tree.left[node] != -1:
        go_left = float(x[tree.feature[node]]) <= tree.threshold[node]
        node = tree.left[node] if go_left else tree.right[node]
    return tree.leaf[node]


def test_compiled_vote_equals_its_trees_walked_one_by_one(data):
    classes = sorted(set(data.labels))
    y = np.array([classes.index(label) for label in data.labels])
    rng = np.random.default_rng(7)
    trees = [draw_tree(encode(data.records), y, rng, {}) for _ in range(15)]
    vote = Uncertainty(compile_votes(trees, classes) | {"seed": 7})
    rows = random_rows(400, seed=3) + random_rows(400, seed=4, na_to_k=(14, 16))
    na_to_k = COLUMNS.index("Na_to_K")
    for t in trees:  # each threshold, and the float32 values either side of it
        for f, thr in zip(t.feature, t.threshold, strict=True):
            if f == na_to_k:
                x = np.float32(thr)
                for v in (np.nextafter(x, -np.inf), x, np.nextafter(x, np.inf)):
                    rows.append((47, "F", "LOW", "HIGH", float(v)))
    records = [vocab.PatientRecord(*row) for row in rows]
    for row, x in zip(rows, encode(records), strict=True):
        counts = np.bincount([walk(t, x) for t in trees], minlength=len(classes))
        expected = dict(zip(classes, (counts / len(trees)).tolist(), strict=True))
        assert vote.probabilities(row) == expected


@pytest.mark.parametrize(
    ("low", "high", "integer"),
    [(49.0, 52.0, True), (14.609, 15.016, False), (14.609, 14.6090005, False)],
)
def test_a_drawn_threshold_stays_in_its_gap(low, high, integer):
    rng = np.random.default_rng(0)
    for _ in range(200):
        threshold = draw(rng, low, high, integer)
        assert low <= threshold < high
        if integer:
            assert threshold - 0.5 == int(threshold)


@pytest.mark.parametrize(
    ("row", "expected"),
    [
        ((47, "M", "LOW", "HIGH", 10.114), "drugC"),
        ((60, "F", "LOW", "HIGH", 20), "DrugY"),
        ((47, "F", "LOW", "HIGH", 14), "drugC"),
        ((47, "F", "HIGH", "HIGH", 14), "drugA"),
        ((47, "F", "LOW", "HIGH", 30), "DrugY"),
    ],
)
def test_reference_examples_stay_near_certain(vote, row, expected):
    assert vote.probabilities(row)[expected] >= 0.95


def test_rows_far_from_every_threshold_are_near_certain_and_right(vote, data):
    far = [
        (r.as_row(), label)
        for r, label in zip(data.records, data.labels, strict=True)
        if not 14.3 <= r.as_row()[4] <= 15.3 and not 48 <= r.as_row()[0] <= 53
    ]
    assert len(far) > 800
    for row, label in far:
        assert vote.probabilities(row)[label] >= 0.95


def test_just_above_the_na_to_k_threshold_the_answer_is_much_less_sure(vote):
    near = vote.probabilities((47, "F", "LOW", "HIGH", 14.9))
    far = vote.probabilities((47, "F", "LOW", "HIGH", 30))
    assert far["DrugY"] == 1.0
    assert 0.5 < near["DrugY"] <= 0.85
    assert near["DrugY"] + near["drugC"] == pytest.approx(1.0)


def test_drugy_grows_steadily_across_the_gap_in_na_to_k(vote):
    shares = [
        vote.probabilities((47, "F", "LOW", "HIGH", 14.5 + i / 100))["DrugY"]
        for i in range(61)
    ]
    assert shares == sorted(shares)
    assert shares[0] <= 0.05
    assert shares[-1] >= 0.95


def test_probabilities_name_every_drug_and_sum_to_one(vote):
    for row in random_rows(2000, seed=5):
        probabilities = vote.probabilities(row)
        assert list(probabilities) == sorted(set(vocab.LABELS))
        assert sum(probabilities.values()) == pytest.approx(1.0, abs=1e-12)


def test_batch_answers_are_the_single_answers(vote):
    rows = random_rows(3000, seed=6) + random_rows(3000, seed=7, na_to_k=(14, 16))
    single = [vote.probabilities(row) for row in rows]
    assert vote.probabilities_many(rows) == single
    matrix = vote.probability_matrix(rows)
    assert matrix.tolist() == [list(p.values()) for p in single]


def test_the_same_seed_gives_the_same_export_and_another_seed_does_not(data):
    records, labels = data.records[:300], data.labels[:300]
    first = fit_uncertainty(records, labels, seed=1, n_trees=10)
    assert fit_uncertainty(records, labels, seed=1, n_trees=10) == first
    assert fit_uncertainty(records, labels, seed=2, n_trees=10) != first


def test_the_bundled_export_is_small_json():
    export = bundled()[1]
    assert len(json.dumps(export, separators=(",", ":"))) < 50_000
    assert all(0 <= n <= export["trees"] for v in export["votes"] for n in v)


def test_an_export_of_another_format_is_refused():
    with pytest.raises(ValueError, match="format"):
        Uncertainty({"format": "drugsite-votes-0"})


def test_brier_score_matches_a_hand_computed_table():
    probabilities = [[1.0, 0.0, 0.0], [0.5, 0.5, 0.0], [0.2, 0.3, 0.5]]
    # rows: 0; 0.25 + 0.25; 0.64 + 0.09 + 0.25
    assert brier_score(probabilities, ["a", "b", "a"], ["a", "b", "c"]) == (
        pytest.approx((0 + 0.5 + 0.98) / 3)
    )


def test_expected_calibration_error_matches_a_hand_computed_table():
    probabilities = [
        [0.95, 0.05, 0.0],  # bin 0.9-1.0, right
        [0.05, 0.95, 0.0],  # bin 0.9-1.0, wrong
        [0.65, 0.35, 0.0],  # bin 0.6-0.7, right
        [0.62, 0.38, 0.0],  # bin 0.6-0.7, right
        [0.35, 0.65, 0.0],  # bin 0.6-0.7, wrong
        [0.40, 0.30, 0.30],  # bin 0.4-0.5, wrong (the truth is b)
    ]
    labels = ["a", "a", "a", "a", "a", "b"]
    # 2/6 * |1/2 - 0.95| + 3/6 * |2/3 - 0.64| + 1/6 * |0 - 0.4|
    ece = expected_calibration_error(probabilities, labels, ["a", "b", "c"])
    assert ece == pytest.approx(0.15 + 0.04 / 3 + 0.4 / 6)


def test_held_out_figures_show_a_sure_vote_that_stays_calibrated(data):
    oof = bundled()[2]
    figures = calibration_figures(oof, data.labels)
    accuracy = np.mean(np.array(oof.classes)[oof.tree.argmax(1)] == data.labels)
    assert figures["tree"]["brier"] == pytest.approx(2 * (1 - accuracy))
    assert figures["vote"]["brier"] <= 0.01
    assert figures["vote"]["ece"] <= 0.01
    assert oof.votes.sum(axis=1) == pytest.approx(np.ones(len(data.labels)))
    assert sorted(set(oof.fold.tolist())) == [0, 1, 2, 3, 4]
