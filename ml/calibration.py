"""Training side of ml.conformal: out-of-fold probabilities, calibration figures
(Brier score, top-label ECE), the conformal threshold and its held-out coverage.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import NamedTuple

import numpy as np

from ml.conformal import METHOD, prediction_sets, unit_randoms
from ml.uncertainty import Uncertainty
from ml.votes import encode, fit_uncertainty

BINS = 10


class OutOfFold(NamedTuple):
    """Out-of-fold probabilities (columns in ``classes`` order) and each row's fold."""

    classes: list[str]
    votes: np.ndarray
    tree: np.ndarray
    fold: np.ndarray
    scheme: str


def out_of_fold(
    records, labels, *, seed: int = 0, n_trees: int = 100, params: dict | None = None
) -> OutOfFold:
    """Score every row with a vote and a tree fitted on the other four folds."""
    from sklearn.model_selection import StratifiedKFold
    from sklearn.tree import DecisionTreeClassifier

    from ml.training import CV_FOLDS, CV_SEED, TREE_SEED

    classes, y, X = sorted(set(labels)), np.asarray(labels), encode(records)
    votes, tree = np.zeros((2, len(y), len(classes)))
    fold = np.zeros(len(y), dtype=int)
    splits = StratifiedKFold(CV_FOLDS, shuffle=True, random_state=CV_SEED).split(X, y)
    for k, (train, test) in enumerate(splits):
        fit = [records[i] for i in train]
        export = fit_uncertainty(
            fit, y[train].tolist(), seed=seed, n_trees=n_trees, params=params
        )
        columns = [classes.index(c) for c in export["classes"]]
        rows = [records[i].as_row() for i in test]
        votes[np.ix_(test, columns)] = Uncertainty(export).probability_matrix(rows)
        model = DecisionTreeClassifier(**({"random_state": TREE_SEED} | (params or {})))
        answers = model.fit(X[train], y[train]).predict(X[test])
        tree[test, [classes.index(a) for a in answers]] = 1.0
        fold[test] = k
    scheme = f"out of fold, stratified {CV_FOLDS}-fold, shuffled, seed {CV_SEED}"
    return OutOfFold(classes, votes, tree, fold, f"{scheme}; {n_trees} trees")


def brier_score(probabilities, labels, classes) -> float:
    """Multi-class Brier score: mean squared distance to the one-hot truth (0 to 2)."""
    truth = np.asarray(labels)[:, None] == np.asarray(classes)[None, :]
    return float(((np.asarray(probabilities) - truth) ** 2).sum(axis=1).mean())


def expected_calibration_error(probabilities, labels, classes, bins=BINS) -> float:
    """Top-label ECE: |accuracy - confidence| per equal-width bin, row-weighted."""
    P = np.asarray(probabilities, dtype=float)
    confidence = P.max(axis=1)
    correct = np.asarray(classes)[P.argmax(axis=1)] == np.asarray(labels)
    which = np.minimum(np.floor(confidence * bins).astype(int), bins - 1)
    return float(
        sum(
            (which == b).mean()
            * abs(correct[which == b].mean() - confidence[which == b].mean())
            for b in np.unique(which)
        )
    )


def calibration_figures(oof: OutOfFold, labels) -> dict:
    """Brier score and ECE of the vote and of the plain tree, out of fold."""
    return {
        name: {
            "brier": brier_score(P, labels, oof.classes),
            "ece": expected_calibration_error(P, labels, oof.classes),
        }
        for name, P in (("vote", oof.votes), ("tree", oof.tree))
    } | {"ece_bins": BINS, "scheme": oof.scheme}


def label_scores(probabilities, labels, classes, u) -> np.ndarray:
    """Each row's APS score of its true label (``aps_set``'s order and ties)."""
    P = np.asarray(probabilities, dtype=float)
    true = np.array([list(classes).index(label) for label in labels])
    own = P[np.arange(len(true)), true][:, None]
    before = (own < P) | ((own == P) & (np.arange(P.shape[1]) < true[:, None]))
    return (P * before).sum(axis=1) + np.asarray(u) * own[:, 0]


def conformal_threshold(scores, coverage: float) -> float:
    """The ceil((n + 1) * coverage)-th smallest score; 2.0 (every label) if none."""
    k = math.ceil((len(scores) + 1) * coverage - 1e-9)
    return float(np.sort(scores)[k - 1]) if k <= len(scores) else 2.0


def calibrate(
    oof_probabilities, labels, coverage: float = 0.95, *, classes, rows
) -> dict:
    """The APS threshold for a coverage, from out-of-fold probabilities (JSON-able)."""
    scores = label_scores(oof_probabilities, labels, classes, unit_randoms(rows))
    return {
        "method": METHOD,
        "coverage": coverage,
        "threshold": conformal_threshold(scores, coverage),
        "labels": list(classes),
        "rows": len(labels),
    }


def measured_coverage(oof: OutOfFold, labels, rows, coverage: float = 0.95) -> dict:
    """Calibrate on four folds' out-of-fold scores, measure sets on the fifth."""
    labels, rows, hits, sizes, folds = np.asarray(labels), list(rows), [], [], []
    for k in np.unique(oof.fold):
        fit, test = np.flatnonzero(oof.fold != k), np.flatnonzero(oof.fold == k)
        calibration = calibrate(
            oof.votes[fit], labels[fit], coverage,
            classes=oof.classes, rows=[rows[i] for i in fit],
        )  # fmt: skip
        sets = prediction_sets(oof.votes[test], calibration, [rows[i] for i in test])
        hit = [y in s for y, s in zip(labels[test].tolist(), sets, strict=True)]
        folds.append(float(np.mean(hit)))
        hits, sizes = hits + hit, sizes + [len(s) for s in sets]
    counts = Counter(sizes)
    return {
        "method": METHOD,
        "stated": coverage,
        "measured": float(np.mean(hits)),
        "folds": folds,
        "scheme": "calibrated on 4 folds' out-of-fold scores, measured on the 5th",
        "set_sizes": {str(n): counts[n] / len(sizes) for n in sorted(counts)},
        "mean_set_size": float(np.mean(sizes)),
    }
