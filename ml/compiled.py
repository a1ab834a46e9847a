"""A fitted Pipeline compiled to plain Python for fast, explained predictions.

The single-record path walks the tree's arrays with the inputs rounded to float32,
exactly as scikit-learn compares them, and never builds a DataFrame. Batches use
numpy to encode and the estimator's own ``apply`` to find leaves. Each leaf's
answer and the conditions on its path are worked out once, at load time.
"""

from __future__ import annotations

import math
from array import array
from typing import NamedTuple

import numpy as np

from ml import features as F

INFINITY = float("inf")


class Boundary(NamedTuple):
    """The numeric threshold on the decision path closest to the input."""

    feature: str
    threshold: float
    value: float
    distance: float
    near: bool


class PredictionResult(NamedTuple):
    """What the model says about one patient, with why and how sure."""

    drug: str
    probabilities: dict[str, float]
    model_version: str
    explanation: tuple[str, ...]
    boundary: Boundary | None
    warnings: tuple[str, ...]

    @property
    def near_boundary(self) -> bool:
        return self.boundary is not None and self.boundary.near

    @property
    def probability(self) -> float:
        return self.probabilities[self.drug]


class CompiledTree:
    """Tree arrays and encoders as Python lists, plus per-leaf answers and paths."""

    def __init__(
        self, pipeline, observed: dict[str, tuple[float, float]], version: str
    ):
        encode, tree = pipeline.named_steps["encode"], pipeline.named_steps["tree"]
        self.version, self.estimator = version, tree
        self.columns: list[str] = []  # model column -> feature name
        self.codes: dict[str, dict[str, float]] = {}
        for _, transformer, names in encode.transformers_:
            if transformer == "drop":
                continue
            self.columns.extend(names)
            if hasattr(transformer, "categories_"):
                for name, cats in zip(names, transformer.categories_, strict=True):
                    self.codes[name] = {str(c): float(i) for i, c in enumerate(cats)}
        self.take = [F.FEATURES.index(name) for name in self.columns]
        self.encoders = [
            (i, self.codes.get(name))
            for name, i in zip(self.columns, self.take, strict=True)
        ]
        t = tree.tree_
        self.left, self.right = t.children_left.tolist(), t.children_right.tolist()
        self.feature, self.threshold = t.feature.tolist(), t.threshold.tolist()
        self.classes = [str(c) for c in tree.classes_]
        self.plans = {
            leaf: self.plan(leaf, t.value[leaf][0])
            for leaf in np.flatnonzero(t.children_left == -1).tolist()
        }
        self.warn_ranges = [
            (F.FEATURES.index(n), n, lo, hi) for n, (lo, hi) in observed.items()
        ]

    def plan(self, leaf: int, counts) -> tuple:
        """A leaf's drug, probabilities and the explained steps on its path."""
        probs = dict(zip(self.classes, (counts / counts.sum()).tolist(), strict=True))
        steps, seen = [], set()
        for node, went_left in reversed(self.path_to(leaf)):
            name, thr = self.columns[self.feature[node]], self.threshold[node]
            index = self.take[self.feature[node]]
            if name in self.codes:  # one "BP = LOW" however often BP is split
                if name not in seen:
                    seen.add(name)
                    steps.append(
                        (index, {v: f"{name} = {v}" for v in self.codes[name]})
                    )
                continue
            # Shown with 2 decimals, rounded so that the statement stays true.
            cut = (math.ceil if went_left else math.floor)(thr * 100) / 100
            text = f" {'<=' if went_left else '>'} {cut:g}"
            step = (name, text, thr, round(thr, 4), F.BOUNDARY_TOLERANCE[name])
            steps.append((index, step))
        return self.classes[int(counts.argmax())], probs, tuple(steps)

    def path_to(self, leaf: int) -> list[tuple[int, bool]]:
        """The (node, went_left) steps from a leaf up to the root."""
        parents = {}
        for node, (lo, hi) in enumerate(zip(self.left, self.right, strict=True)):
            if lo != -1:
                parents[lo], parents[hi] = (node, True), (node, False)
        steps = []
        while leaf in parents:
            leaf, went_left = parents[leaf]
            steps.append((leaf, went_left))
        return steps

    def encode(self, row: tuple) -> list[float]:
        """A row in FEATURES order as the model's float inputs."""
        return [
            float(row[i]) if codes is None else codes[row[i]]
            for i, codes in self.encoders
        ]

    def leaf_of(self, row: tuple) -> int:
        """Walk the tree with float32 inputs, as scikit-learn compares them."""
        x = array("f", self.encode(row))
        left, right, feature, threshold = (
            self.left,
            self.right,
            self.feature,
            self.threshold,
        )
        node = 0
        while left[node] != -1:
            node = left[node] if x[feature[node]] <= threshold[node] else right[node]
        return node

    def result(
        self, row: tuple, leaf: int, check_range: bool = True
    ) -> PredictionResult:
        """A leaf's answer explained with this row's values."""
        drug, probs, steps = self.plans[leaf]
        reasons, near, best = [], None, INFINITY
        for index, step in steps:
            value = row[index]
            if type(step) is dict:
                reasons.append(step[value])
                continue
            name, text, thr, shown, tolerance = step
            reasons.append(f"{name} {value}{text}")
            score = abs(value - thr) / tolerance
            if score < best:
                best, near = score, (name, shown, value, thr)
        boundary = None
        if near is not None:
            name, shown, value, thr = near
            boundary = Boundary(
                name, shown, value, round(abs(value - thr), 3), best < 1.0
            )
        warnings = self.warnings(row) if check_range else ()
        return PredictionResult(
            drug, probs, self.version, tuple(reasons), boundary, warnings
        )

    def warnings(self, row: tuple) -> tuple[str, ...]:
        """One warning per value outside the range seen in training."""
        return tuple(
            f"{name} {row[i]} is outside the training data's range "
            f"({lo:g} to {hi:g}): the suggestion is an extrapolation."
            for i, name, lo, hi in self.warn_ranges
            if not lo <= row[i] <= hi
        )

    def predict_one(self, record: F.PatientRecord) -> PredictionResult:
        """Explained answer for one record, without numpy or pandas."""
        row = record.as_row()
        return self.result(row, self.leaf_of(row))

    def predict_many(self, records: list[F.PatientRecord]) -> list[PredictionResult]:
        """Explained answers for many records, leaves found in one numpy call."""
        rows = [r.as_row() for r in records]
        columns = list(zip(*rows, strict=True))
        X = np.empty((len(rows), len(self.encoders)), dtype=np.float32)
        for j, (i, codes) in enumerate(self.encoders):
            X[:, j] = columns[i] if codes is None else [codes[v] for v in columns[i]]
        leaves = self.estimator.tree_.apply(X).tolist()
        outside = np.zeros(len(rows), dtype=bool)
        for i, _, lo, hi in self.warn_ranges:
            column = np.asarray(columns[i], dtype=float)
            outside |= (column < lo) | (column > hi)
        result = self.result
        return [
            result(row, leaf, check)
            for row, leaf, check in zip(rows, leaves, outside.tolist(), strict=True)
        ]
