"""Explained answers from a compiled tree: drug, probabilities, reasons, warnings.

Each leaf's answer and the conditions on its path are worked out once, when the
model is loaded; a request only fills in its own values. One record is answered
in plain Python; a batch with numpy, leaf by leaf (``ml.leaves``), to the same
answers.
"""

from __future__ import annotations

import math

import numpy as np

from ml import features as vocab
from ml.batch import Batch
from ml.compiled import CompiledTree
from ml.confident import Confidence
from ml.flips import BatchFlips
from ml.leaves import Leaves
from ml.results import Boundary, PredictionResult

INFINITY = float("inf")


class Answerer:
    """Answers of one model version: per-leaf plans, range warnings, batches."""

    def __init__(
        self, tree: CompiledTree, observed: dict[str, tuple[float, float]], version: str
    ):
        self.tree, self.version = tree, version
        self.plans = {leaf: self.plan(leaf) for leaf in tree.leaves}
        self.confidence = Confidence(tree.export)
        self.warn_ranges = [
            (vocab.FEATURES.index(n), n, lo, hi) for n, (lo, hi) in observed.items()
        ]
        self.batch_flips = BatchFlips(self.confidence.flips)
        self.leaves = Leaves(self.plans, version, self.confidence.coverage)

    def plan(self, leaf: int) -> tuple:
        """A leaf's drug, probabilities and the explained steps on its path."""
        tree, counts = self.tree, np.asarray(self.tree.value[leaf], dtype=float)
        probs = dict(zip(tree.classes, (counts / counts.sum()).tolist(), strict=True))
        steps, seen = [], set()
        for node, went_left in reversed(tree.path_to(leaf)):
            name, thr = tree.columns[tree.feature[node]], tree.threshold[node]
            index = tree.take[tree.feature[node]]
            if name in tree.codes:  # one "BP = LOW" however often BP is split
                if name not in seen:
                    seen.add(name)
                    steps.append(
                        (index, {v: f"{name} = {v}" for v in tree.codes[name]})
                    )
                continue
            # Shown with 2 decimals, rounded so that the statement stays true.
            cut = (math.ceil if went_left else math.floor)(thr * 100) / 100
            text = f" {'<=' if went_left else '>'} {cut:g}"
            tolerance = vocab.BOUNDARY_TOLERANCE[name]
            steps.append((index, (name, text, thr, round(thr, 4), tolerance)))
        return tree.classes[int(counts.argmax())], probs, tuple(steps)

    def result(self, row: tuple, leaf: int) -> PredictionResult:
        """A leaf's answer explained with this row's values."""
        drug, probs, steps = self.plans[leaf]
        probs, chosen = self.confidence.one(row, drug, probs)
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
                name, shown, value, round(abs(value - thr), 3), best < 1
            )
        return PredictionResult(
            drug,
            probs,
            self.version,
            tuple(reasons),
            boundary,
            self.warnings(row),
            chosen,
            self.confidence.coverage,
            self.confidence.flips.for_row(row),
        )

    def warnings(self, row: tuple) -> tuple[str, ...]:
        """One warning per value outside the range seen in training."""
        return tuple(
            f"{name} {row[i]} is outside the training data's range "
            f"({lo:g} to {hi:g}): the suggestion is an extrapolation."
            for i, name, lo, hi in self.warn_ranges
            if not lo <= row[i] <= hi
        )

    def predict_one(self, record: vocab.PatientRecord) -> PredictionResult:
        """Explained answer for one record, without numpy."""
        row = record.as_row()
        return self.result(row, self.tree.leaf_of(row))

    def warnings_many(self, batch: Batch) -> np.ndarray:
        """``warnings`` of every row of a batch, as an object array."""
        outside = np.zeros(len(batch), dtype=bool)
        for _, name, lo, hi in self.warn_ranges:
            column = batch.numbers[:, vocab.NUMERIC.index(name)]
            outside |= (column < lo) | (column > hi)
        warnings = np.empty(len(batch), dtype=object)
        warnings.fill(())
        for i in np.flatnonzero(outside).tolist():
            warnings[i] = self.warnings(batch.row(i))
        return warnings

    def predict_many(self, records: list) -> list[PredictionResult]:
        """Explained answers for many records, found with numpy leaf by leaf."""
        batch = Batch.of_records(records)
        leaves = self.tree.walk(self.tree.encode_many(batch))
        probabilities, sets = self.confidence.many(batch, leaves, self.plans)
        flips, warnings = self.batch_flips.many(batch), self.warnings_many(batch)
        per_row = (probabilities, sets, warnings, flips)
        return self.leaves.results(batch, leaves, per_row)
