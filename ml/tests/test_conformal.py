"""ml.conformal: APS arithmetic by hand; the stated coverage met on held-out data."""

import json

import numpy as np
import pytest

from ml import features as vocab
from ml.calibration import (
    calibrate,
    conformal_threshold,
    label_scores,
    measured_coverage,
)
from ml.conformal import (
    aps_set,
    prediction_set,
    prediction_sets,
    unit_random,
    unit_randoms,
)
from ml.tests.test_uncertainty import bundled, random_rows
from ml.uncertainty import Uncertainty


@pytest.fixture(scope="session")
def trained():
    data, vote, oof = bundled()
    rows = [r.as_row() for r in data.records]
    calibration = calibrate(oof.votes, data.labels, classes=oof.classes, rows=rows)
    calibration = json.loads(json.dumps(calibration))
    return data, Uncertainty(vote), oof, calibration


@pytest.mark.parametrize(
    ("coverage", "expected"),
    [(0.5, 0.6), (0.8, 0.9), (0.9, 1.0), (0.95, 2.0)],  # k = ceil(11 * coverage)
)
def test_threshold_is_the_kth_smallest_of_n_plus_one(coverage, expected):
    scores = [s / 10 for s in (7, 1, 10, 4, 2, 9, 3, 8, 5, 6)]
    assert conformal_threshold(scores, coverage) == pytest.approx(expected)


def test_label_scores_add_the_mass_ranked_before_and_u_times_its_own():
    probabilities = [[0.5, 0.3, 0.2], [0.4, 0.4, 0.2], [0.4, 0.4, 0.2]]
    scores = label_scores(probabilities, ["b", "b", "a"], ["a", "b", "c"], [0.5] * 3)
    # b after a: 0.5 + 0.5 * 0.3; a tie ranks a (listed first) before b.
    assert scores.tolist() == pytest.approx([0.65, 0.4 + 0.2, 0.2])


@pytest.mark.parametrize(
    ("threshold", "u", "expected"),
    [
        (0.8, 0.5, ["a", "b"]),  # a: 0.3, b: 0.6 + 0.15, c: 0.9 + 0.05 > 0.8
        (0.8, 0.9, ["a"]),  # b: 0.6 + 0.27 > 0.8
        (0.5, 0.9, []),  # a: 0.54 > 0.5: no label is left
        (1.0, 0.99, ["a", "b", "c"]),
    ],
)
def test_aps_set_takes_labels_while_the_score_stays_within(threshold, u, expected):
    probabilities = {"c": 0.1, "a": 0.6, "b": 0.3}
    assert aps_set(probabilities, ["a", "b", "c"], threshold, u) == expected


def test_a_set_holds_exactly_the_labels_whose_score_is_within_the_threshold():
    rng = np.random.default_rng(1)
    classes = ["a", "b", "c", "d"]
    for _ in range(500):
        counts = rng.integers(0, 4, size=4) + np.eye(4, dtype=int)[0]  # with ties
        p = counts / counts.sum()
        u, threshold = rng.random(), rng.random()
        chosen = aps_set(dict(zip(classes, p, strict=True)), classes, threshold, u)
        for label in classes:
            score = label_scores([p], [label], classes, [u])[0]
            assert (label in chosen) == (score <= threshold)


def test_the_random_number_is_fixed_by_the_row_as_float32_sees_it():
    row = (47, "F", "LOW", "HIGH", 14.9)
    same = (47, "F", "LOW", "HIGH", float(np.nextafter(14.9, 15)))
    assert unit_random(row) == unit_random(same)
    assert unit_random(row) != unit_random((47, "M", "LOW", "HIGH", 14.9))
    assert unit_random(row) != unit_random((47, "F", "LOW", "HIGH", 14.901))
    assert 0 <= unit_random(row) < 1


def test_random_numbers_of_many_rows_are_the_single_ones_and_uniform():
    rows = random_rows(20000, seed=8)
    many = unit_randoms(rows)
    assert many.tolist() == [unit_random(row) for row in rows]
    deciles = np.histogram(many, bins=10, range=(0, 1))[0] / len(rows)
    assert deciles.min() > 0.09
    assert deciles.max() < 0.11


def test_sets_cover_the_stated_share_of_exchangeable_data():
    rng, rows = np.random.default_rng(2), random_rows(6000, seed=9)
    probabilities = rng.dirichlet([0.3] * 5, size=6000)
    labels = [vocab.LABELS[rng.choice(5, p=p)] for p in probabilities]
    calibration = calibrate(
        probabilities[:3000], labels[:3000], 0.9, classes=vocab.LABELS, rows=rows[:3000]
    )
    sets = prediction_sets(probabilities[3000:], calibration, rows[3000:])
    covered = np.mean([y in s for y, s in zip(labels[3000:], sets, strict=True)])
    assert covered == pytest.approx(0.9, abs=0.02)


def test_many_sets_are_the_single_sets(trained):
    _, vote, _, calibration = trained
    rows = random_rows(3000, seed=10) + random_rows(3000, seed=11, na_to_k=(14, 16))
    matrix = vote.probability_matrix(rows)
    single = [prediction_set(vote.probabilities(r), calibration, r) for r in rows]
    assert [list(s) for s in prediction_sets(matrix, calibration, rows)] == single


@pytest.mark.parametrize("coverage", [0.95, 0.9])
def test_held_out_coverage_is_within_two_points_of_the_stated(trained, coverage):
    data, _, oof, _ = trained
    rows = [r.as_row() for r in data.records]
    measured = measured_coverage(oof, data.labels, rows, coverage)
    assert measured["measured"] == pytest.approx(coverage, abs=0.02)
    assert sum(measured["set_sizes"].values()) == pytest.approx(1.0)
    assert json.loads(json.dumps(measured)) == measured


def test_a_sure_answer_gets_its_drug_alone_or_an_empty_set(trained):
    _, vote, _, calibration = trained
    assert 0.9 < calibration["threshold"] < 1.0
    sets = []
    for age in range(15, 75):
        row = (age, "F", "LOW", "HIGH", 30.0)
        assert vote.probabilities(row)["DrugY"] == 1.0
        sets.append(prediction_set(vote.probabilities(row), calibration, row))
    assert {tuple(s) for s in sets} <= {("DrugY",), ()}
    assert sum(not s for s in sets) <= 0.15 * len(sets)


def test_an_answer_near_the_threshold_mostly_keeps_both_drugs(trained):
    _, vote, _, calibration = trained
    rows = [(age, sex, "LOW", "HIGH", 14.9) for age in range(15, 75) for sex in "FM"]
    sets = [prediction_set(vote.probabilities(r), calibration, r) for r in rows]
    both = [s for s in sets if sorted(s) == ["DrugY", "drugC"]]
    assert len(both) >= 0.5 * len(sets)
    assert all(s[:1] == ["DrugY"] for s in sets)
