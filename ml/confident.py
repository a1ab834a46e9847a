"""The served side of an answer's confidence: probabilities from the vote,
the prediction set at the calibrated coverage, and the nearest flips.

The vote takes few distinct values, so each one's order of drugs, the mass before
each drug and the sets it can give are worked out once, at load; a request then
needs only its own random number ``u`` (``ml.conformal.unit_random``), with the
same arithmetic as ``ml.conformal.aps_set``. An artifact made before the vote
existed serves the tree's own probabilities and a one-drug set with no coverage.
"""

from __future__ import annotations

import numpy as np

from ml.batch import Batch, objects
from ml.conformal import batch_randoms, unit_random
from ml.counterfactual import Counterfactuals
from ml.uncertainty import Uncertainty


class Confidence:
    """Built once per loaded model from its compiled export."""

    def __init__(self, export: dict):
        self.flips = Counterfactuals(export)
        self.vote = (
            Uncertainty(export["uncertainty"]) if "uncertainty" in export else None
        )
        self.calibration = export.get("conformal")
        self.coverage = self.calibration["coverage"] if self.calibration else None
        if self.vote is not None:
            self.prepare(self.vote.matrix, self.calibration)

    def prepare(self, matrix: np.ndarray, calibration: dict) -> None:
        """Per distinct vote: drugs by decreasing probability, mass before each."""
        labels = calibration["labels"]
        if list(labels) != list(self.vote.classes):
            raise ValueError("the calibration's drugs are not the vote's")
        self.threshold = calibration["threshold"]
        order = np.argsort(-matrix, axis=1, kind="stable")  # ties: as listed
        self.ranked = np.take_along_axis(matrix, order, axis=1)
        self.mass = np.cumsum(np.c_[np.zeros(len(matrix)), self.ranked[:, :-1]], axis=1)
        self.steps = [
            list(zip(m, r, strict=True))
            for m, r in zip(self.mass.tolist(), self.ranked.tolist(), strict=True)
        ]
        self.sets = [
            [tuple(labels[j] for j in o[:k]) for k in range(len(labels) + 1)]
            for o in order.tolist()
        ]
        #: For batches: each vote, and each (vote, size) set at cell * width + size.
        self.answers = objects(self.vote.answers)
        self.width = len(labels) + 1
        self.all_sets = objects(s for sets in self.sets for s in sets)

    def one(self, row: tuple, drug: str, leaf_probs: dict) -> tuple[dict, tuple]:
        """Probabilities and prediction set of one row (shared objects: read only)."""
        if self.vote is None:
            return leaf_probs, (drug,)
        cell, u, size = self.vote.cell(row), unit_random(row), 0
        for mass, p in self.steps[cell]:
            if mass + u * p > self.threshold:
                break
            size += 1
        return self.vote.answers[cell], self.sets[cell][size]

    def many(
        self, batch: Batch, leaves: np.ndarray, plans: dict
    ) -> tuple[np.ndarray, np.ndarray]:
        """``one`` for a batch, with numpy: probabilities and sets as object arrays."""
        if self.vote is None:
            nodes = range(int(leaves.max(initial=0)) + 1)
            probabilities = objects(plans[n][1] if n in plans else None for n in nodes)
            sets = objects((plans[n][0],) if n in plans else None for n in nodes)
            return probabilities[leaves], sets[leaves]
        cells = self.vote.batch_cells(batch)
        u = batch_randoms(batch)[:, None]
        inside = self.mass[cells] + u * self.ranked[cells] <= self.threshold
        sizes = np.logical_and.accumulate(inside, axis=1).sum(axis=1)
        return self.answers[cells], self.all_sets[cells * self.width + sizes]
