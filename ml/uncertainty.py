"""How sure one answer can be: the vote of trees whose thresholds move with the data.

Training (scikit-learn, imported lazily) fits K trees with the served tree's
hyper-parameters on bootstrap resamples of the rows. A numeric split fits its
resample equally well anywhere in the empty gap between the last row on its left
and the first on its right; scikit-learn takes the midpoint, each tree here draws
the threshold uniformly in the gap (a half-integer for integer features). The vote
is piecewise constant, so it is compiled, per combination of categories, into a
grid over the union of the thresholds. Serving is one bisection per number and an
index, in pure Python; inputs are rounded to float32, as scikit-learn compares.
"""

from __future__ import annotations

import math
import struct
from bisect import bisect_left
from operator import itemgetter

import numpy as np

from ml import features as vocab
from ml.batch import COMBINATIONS, Batch, Bisect

EXPORT_FORMAT = "drugsite-votes-1"
#: The served Pipeline's column order: the categories' codes, then the numbers.
COLUMNS: tuple[str, ...] = (*vocab.CATEGORICAL, *vocab.NUMERIC)
categories_of = itemgetter(*(vocab.FEATURES.index(n) for n in vocab.CATEGORICAL))
numbers_of = itemgetter(*(vocab.FEATURES.index(n) for n in vocab.NUMERIC))
FLOAT32 = struct.Struct(f"<{len(vocab.NUMERIC)}f")


class Uncertainty:
    """The compiled vote: class probabilities for one row or many, no scikit-learn."""

    def __init__(self, export: dict):
        if export.get("format") != EXPORT_FORMAT:
            raise ValueError(f"unknown vote export format {export.get('format')!r}")
        if [*export["categories"], *export["numbers"]] != list(COLUMNS):
            raise ValueError("the vote export's features are not features.py's")
        self.classes: tuple[str, ...] = tuple(export["classes"])
        self.matrix = np.asarray(export["votes"], dtype=float) / export["trees"]
        self.answers = [
            dict(zip(self.classes, v, strict=True)) for v in self.matrix.tolist()
        ]
        self.grids = {}
        for i, grid in enumerate(export["grids"]):
            cuts, cells = grid["cuts"], grid["cells"]
            sizes = [len(c) + 1 for c in cuts]
            strides = [math.prod(sizes[d + 1 :]) for d in range(len(cuts))]
            self.grids[tuple(grid["when"])] = (i, cuts, strides, cells)
        self.prepare_batches()

    def prepare_batches(self) -> None:
        """All grids as flat arrays, so a batch finds its cells without a loop."""
        #: The grid of each category combination, by its index in COMBINATIONS.
        self.grid_of = np.array([self.grids[c][0] for c in COMBINATIONS])
        found = sorted(self.grids.values(), key=lambda grid: grid[0])
        dimensions = range(len(vocab.NUMERIC))
        self.bisects = [Bisect([g[1][d] for g in found]) for d in dimensions]
        self.strides = [np.array([g[2][d] for g in found]) for d in dimensions]
        self.first_cell = np.cumsum([0, *(len(g[3]) for g in found)])[:-1]
        self.all_cells = np.concatenate([np.asarray(g[3]) for g in found])

    def cell(self, row: tuple) -> int:
        """Index of the row's vote in ``answers`` and ``matrix``."""
        _, cuts, strides, cells = self.grids[categories_of(row)]
        index = 0
        for cut, stride, x in zip(cuts, strides, float32(row), strict=True):
            index += bisect_left(cut, x) * stride
        return cells[index]

    def probabilities(self, row: tuple) -> dict[str, float]:
        """Share of the trees voting for each class, for a row in FEATURES order."""
        return dict(self.answers[self.cell(row)])

    def cells(self, rows: list[tuple]) -> np.ndarray:
        """``cell`` for many rows, with numpy."""
        return self.batch_cells(Batch.of_rows(rows))

    def batch_cells(self, batch: Batch) -> np.ndarray:
        """``cell`` of every row of a batch."""
        grid = self.grid_of[batch.combination]
        index = self.first_cell[grid]
        for d, (bisect, strides) in enumerate(
            zip(self.bisects, self.strides, strict=True)
        ):
            index = index + bisect(grid, batch.float32[:, d]) * strides[grid]
        return self.all_cells[index]

    def probability_matrix(self, rows: list[tuple]) -> np.ndarray:
        """Probabilities of many rows: one row per input, one column per class."""
        return self.matrix[self.cells(rows)]

    def probabilities_many(self, rows: list[tuple]) -> list[dict[str, float]]:
        """``probabilities`` for many rows, found with numpy."""
        answers = self.answers
        return [dict(answers[i]) for i in self.cells(rows).tolist()]


def float32(row: tuple) -> tuple[float, ...]:
    """The row's numbers rounded to float32, as scikit-learn compares them."""
    return FLOAT32.unpack(FLOAT32.pack(*numbers_of(row)))
