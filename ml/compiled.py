"""A fitted Pipeline compiled to plain Python for fast, explained predictions.

The single-record path walks the tree's arrays with the inputs rounded to float32,
exactly as scikit-learn compares them, and never builds a DataFrame. Batches use
numpy to encode and walk all rows a level at a time. Each leaf's
answer and the conditions on its path are worked out once, at load time.
"""

from __future__ import annotations

import math
from array import array
from typing import NamedTuple

import numpy as np

from ml import features as F

INFINITY = float("inf")
EXPORT_FORMAT = "drugsite-tree-1"


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


def export_tree(pipeline) -> dict:
    """The fitted Pipeline's encoder and tree as plain JSON-able data.

    Reads the fitted attributes only (no scikit-learn import): column order and
    category codes from the ColumnTransformer, the tree's arrays, the classes.
    """
    encode, tree = pipeline.named_steps["encode"], pipeline.named_steps["tree"]
    columns, codes = [], {}
    for _, transformer, names in encode.transformers_:
        if transformer == "drop":
            continue
        columns.extend(names)
        if hasattr(transformer, "categories_"):
            for name, categories in zip(names, transformer.categories_, strict=True):
                codes[name] = [str(c) for c in categories]
    t = tree.tree_
    return {
        "format": EXPORT_FORMAT,
        "columns": [str(c) for c in columns],
        "codes": codes,
        "left": t.children_left.tolist(),
        "right": t.children_right.tolist(),
        "feature": t.feature.tolist(),
        "threshold": t.threshold.tolist(),
        "value": [node[0] for node in t.value.tolist()],
        "classes": [str(c) for c in tree.classes_],
    }


class CompiledTree:
    """Tree arrays and encoders as Python lists, plus per-leaf answers and paths.

    Built from ``export_tree``'s data, so serving needs neither scikit-learn nor
    unpickling: the web workers stay small and never run pickled code.
    """

    def __init__(
        self, export: dict, observed: dict[str, tuple[float, float]], version: str
    ):
        if export.get("format") != EXPORT_FORMAT:
            raise ValueError(f"unknown tree export format {export.get('format')!r}")
        self.version = version
        self.columns: list[str] = export["columns"]
        self.codes: dict[str, dict[str, float]] = {
            name: {value: float(i) for i, value in enumerate(values)}
            for name, values in export["codes"].items()
        }
        self.take = [F.FEATURES.index(name) for name in self.columns]
        self.encoders = [
            (i, self.codes.get(name))
            for name, i in zip(self.columns, self.take, strict=True)
        ]
        self.left, self.right = export["left"], export["right"]
        self.feature, self.threshold = export["feature"], export["threshold"]
        self.classes: list[str] = export["classes"]
        self.arrays = (
            np.asarray(self.left),
            np.asarray(self.right),
            np.asarray(self.feature),
            np.asarray(self.threshold),
        )
        self.depth = self.max_depth()
        self.plans = {
            leaf: self.plan(leaf, np.asarray(export["value"][leaf], dtype=float))
            for leaf, child in enumerate(self.left)
            if child == -1
        }
        self.warn_ranges = [
            (F.FEATURES.index(n), n, lo, hi) for n, (lo, hi) in observed.items()
        ]

    @classmethod
    def from_pipeline(cls, pipeline, observed: dict, version: str) -> CompiledTree:
        return cls(export_tree(pipeline), observed, version)

    def max_depth(self) -> int:
        depth, frontier = 0, [0]
        while frontier:
            frontier = [
                c
                for n in frontier
                if self.left[n] != -1
                for c in (self.left[n], self.right[n])
            ]
            depth += 1 if frontier else 0
        return depth

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

    def walk(self, X: np.ndarray) -> np.ndarray:
        """Leaf of every row of float32 inputs, all rows a level at a time."""
        left, right, feature, threshold = self.arrays
        rows, node = np.arange(len(X)), np.zeros(len(X), dtype=np.intp)
        for _ in range(self.depth):
            inner = left[node] != -1
            go_left = X[rows, np.maximum(feature[node], 0)] <= threshold[node]
            node = np.where(inner, np.where(go_left, left[node], right[node]), node)
        return node

    def predict_many(self, records: list[F.PatientRecord]) -> list[PredictionResult]:
        """Explained answers for many records, leaves found in one numpy call."""
        rows = [r.as_row() for r in records]
        columns = list(zip(*rows, strict=True))
        X = np.empty((len(rows), len(self.encoders)), dtype=np.float32)
        for j, (i, codes) in enumerate(self.encoders):
            X[:, j] = columns[i] if codes is None else [codes[v] for v in columns[i]]
        leaves = self.walk(X).tolist()
        outside = np.zeros(len(rows), dtype=bool)
        for i, _, lo, hi in self.warn_ranges:
            column = np.asarray(columns[i], dtype=float)
            outside |= (column < lo) | (column > hi)
        result = self.result
        return [
            result(row, leaf, check)
            for row, leaf, check in zip(rows, leaves, outside.tolist(), strict=True)
        ]
