"""Training side of ml.uncertainty: fit the bootstrap trees and compile their vote.

scikit-learn is imported lazily; serving never imports this module.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from itertools import product
from typing import NamedTuple

import numpy as np

from ml import features as vocab
from ml.uncertainty import COLUMNS, EXPORT_FORMAT, categories_of, numbers_of

DIGITS = 4  # decimals of a drawn threshold


class Tree(NamedTuple):
    """One fitted tree as lists; ``leaf`` is the class index a leaf votes for."""

    left: list[int]
    right: list[int]
    feature: list[int]
    threshold: list[float]
    leaf: list[int]


def encode(records) -> np.ndarray:
    """Records as float32 model inputs in COLUMNS order (categories as codes)."""
    codes = [
        {v: i for i, v in enumerate(vocab.CATEGORIES[n])} for n in vocab.CATEGORICAL
    ]
    rows = [r.as_row() for r in records]
    return np.array(
        [
            [c[v] for c, v in zip(codes, categories_of(r), strict=True)]
            + list(numbers_of(r))
            for r in rows
        ],
        dtype=np.float32,
    ).reshape(len(rows), len(COLUMNS))


def draw_tree(X: np.ndarray, y: np.ndarray, rng: np.random.Generator, params: dict):
    """Fit a tree on a bootstrap resample; draw each numeric threshold in its gap."""
    from sklearn.tree import DecisionTreeClassifier

    rows = rng.integers(0, len(X), len(X))
    Xb, yb, seed = X[rows], y[rows], int(rng.integers(2**31 - 1))
    model = DecisionTreeClassifier(**(params | {"random_state": seed})).fit(Xb, yb)
    t, paths = model.tree_, model.decision_path(Xb).tocsc()
    threshold = t.threshold.copy()
    for node in np.flatnonzero(t.feature >= len(vocab.CATEGORICAL)):
        here = Xb[paths.indices[paths.indptr[node] : paths.indptr[node + 1]]]
        here = here[:, t.feature[node]].astype(np.float64)
        left = here <= threshold[node]
        integer = COLUMNS[t.feature[node]] in vocab.INTEGER
        threshold[node] = draw(rng, here[left].max(), here[~left].min(), integer)
    leaf = model.classes_[t.value[:, 0].argmax(axis=1)]
    arrays = (t.children_left, t.children_right, t.feature, threshold, leaf)
    return Tree(*(a.tolist() for a in arrays))


def draw(rng: np.random.Generator, low: float, high: float, integer: bool) -> float:
    """A threshold drawn uniformly in [low, high), where it splits the rows alike."""
    drawn = rng.uniform(low, high)
    if integer:  # integer inputs cannot tell thresholds in [k, k + 1) apart
        return math.floor(drawn) + 0.5
    rounded = round(drawn, DIGITS)  # compact JSON, unless the gap is too narrow
    return rounded if low <= rounded < high else drawn


def fit_uncertainty(
    records, labels, *, seed: int = 0, n_trees: int = 100, params: dict | None = None
) -> dict:
    """Fit K bootstrap trees with drawn thresholds; export their compiled vote."""
    classes = sorted(set(labels))
    y = np.array([classes.index(label) for label in labels])
    rng = np.random.default_rng(seed)
    X, params = encode(records), dict(params or {})
    trees = [draw_tree(X, y, rng, params) for _ in range(n_trees)]
    return compile_votes(trees, classes) | {"seed": seed}


def compile_votes(trees: list[Tree], classes: list[str]) -> dict:
    """The trees' vote, per category combination, on a grid of the numbers' cuts."""
    cuts = [
        sorted({x for t in trees for f, x in zip(*t[2:4], strict=True) if f == d})
        for d in range(len(vocab.CATEGORICAL), len(COLUMNS))
    ]
    combos = list(product(*(vocab.CATEGORIES[n] for n in vocab.CATEGORICAL)))
    grids = [merge_cells(vote_grid(trees, c, cuts, len(classes)), cuts) for c in combos]
    table, ids = np.unique(
        np.concatenate([v.reshape(-1, len(classes)) for v, _ in grids]),
        axis=0,
        return_inverse=True,
    )
    ends = np.cumsum([v[..., 0].size for v, _ in grids])[:-1]
    cells = np.split(ids.ravel(), ends)
    return {
        "format": EXPORT_FORMAT,
        "classes": list(classes),
        "trees": len(trees),
        "categories": list(vocab.CATEGORICAL),
        "numbers": list(vocab.NUMERIC),
        "votes": table.tolist(),
        "grids": [
            {"when": list(combo), "cuts": c, "cells": ids.tolist()}
            for combo, (_, c), ids in zip(combos, grids, cells, strict=True)
        ],
    }


def vote_grid(trees: list[Tree], combo: tuple, cuts: list, n_classes: int):
    """Every tree's vote for one combination of categories, cell by cell."""
    names = zip(vocab.CATEGORICAL, combo, strict=True)
    codes = [vocab.CATEGORIES[name].index(value) for name, value in names]
    votes = np.zeros((*(len(c) + 1 for c in cuts), n_classes), dtype=np.int32)
    for tree in trees:
        add_votes(votes, tree, codes, cuts)
    return votes


def add_votes(votes: np.ndarray, tree: Tree, codes: list[int], cuts: list) -> None:
    """Add one tree's vote to every grid cell, one box of cells per leaf."""
    n_cat, (left, right, feature, threshold, leaf) = len(codes), tree
    stack = [(0, tuple((0, n) for n in votes.shape[:-1]))]
    while stack:
        node, box = stack.pop()
        if left[node] == -1:
            votes[(*(slice(a, b) for a, b in box), leaf[node])] += 1
        elif feature[node] < n_cat:
            go = codes[feature[node]] <= threshold[node]
            stack.append((left[node] if go else right[node], box))
        else:  # cells 0 to j - 1 lie at or below cut j - 1, this threshold
            d = feature[node] - n_cat
            j, (a, b) = bisect_left(cuts[d], threshold[node]) + 1, box[d]
            for child, (lo, hi) in ((left[node], (a, min(b, j))),
                                    (right[node], (max(a, j), b))):  # fmt: skip
                if lo < hi:
                    stack.append((child, (*box[:d], (lo, hi), *box[d + 1 :])))


def merge_cells(votes: np.ndarray, cuts: list) -> tuple[np.ndarray, list]:
    """Drop every cut whose two sides hold the same votes everywhere."""
    kept = []
    for d, cut in enumerate(cuts):
        others = tuple(i for i in range(votes.ndim) if i != d)
        differs = np.any(np.diff(votes, axis=d) != 0, axis=others)
        votes = np.compress(np.r_[True, differs], votes, axis=d)
        kept.append([c for c, keep in zip(cut, differs.tolist(), strict=True) if keep])
    return votes, kept
