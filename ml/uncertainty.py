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
            arrays = ([np.asarray(c) for c in cuts], np.asarray(cells))
            self.grids[tuple(grid["when"])] = (i, cuts, strides, cells, arrays)

    def cell(self, row: tuple) -> int:
        """Index of the row's vote in ``answers`` and ``matrix``."""
        _, cuts, strides, cells, _ = self.grids[categories_of(row)]
        index = 0
        for cut, stride, x in zip(cuts, strides, float32(row), strict=True):
            index += bisect_left(cut, x) * stride
        return cells[index]

    def probabilities(self, row: tuple) -> dict[str, float]:
        """Share of the trees voting for each class, for a row in FEATURES order."""
        return dict(self.answers[self.cell(row)])

    def cells(self, rows: list[tuple]) -> np.ndarray:
        """``cell`` for many rows, with numpy."""
        grids = [self.grids[categories_of(r)] for r in rows]
        which = np.fromiter((g[0] for g in grids), np.intp, len(rows))
        numbers = np.array([numbers_of(r) for r in rows], dtype=np.float32)
        numbers = numbers.reshape(len(rows), len(vocab.NUMERIC))
        out = np.zeros(len(rows), dtype=np.intp)
        for i, _, strides, _, (cuts, cells) in self.grids.values():
            take = np.flatnonzero(which == i)
            index = sum(
                np.searchsorted(c, numbers[take, d]) * s
                for d, (c, s) in enumerate(zip(cuts, strides, strict=True))
            )
            out[take] = cells[index]
        return out

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
