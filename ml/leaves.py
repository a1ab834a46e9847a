"""A batch's answers explained, with no Python loop over rows.

Rows that end in the same leaf share its drug and the shape of its explanation:
the text of a category step is looked up by the row's combination, a numeric
step is one template filled with the row's own value. The nearest threshold is
found for all rows at once, from each leaf's numeric steps padded to one width.
Each result is then made by C-level ``map`` and ``zip``, so a row costs little
more than the objects that are its own. The answers are the ones
``Answerer.result`` gives, value for value (ml/tests/test_leaves.py).
"""

from __future__ import annotations

from functools import partial
from itertools import repeat

import numpy as np

from ml import features as vocab
from ml.batch import COMBINATIONS, Batch, objects
from ml.results import Boundary, PredictionResult

make_result = partial(tuple.__new__, PredictionResult)
make_boundary = partial(tuple.__new__, Boundary)


class Leaves:
    """Every leaf's plan (``Answerer.plan``), as arrays indexed by node."""

    def __init__(self, plans: dict, version: str, coverage: float | None):
        self.version, self.coverage = version, coverage
        nodes = range(max(plans) + 1)
        self.drugs = objects(plans[n][0] if n in plans else None for n in nodes)
        self.texts = {leaf: texts(steps) for leaf, (_, _, steps) in plans.items()}
        numeric = [
            [step for _, step in plans[n][2] if type(step) is not dict]
            if n in plans
            else []
            for n in nodes
        ]
        shape = (len(nodes), max(1, *map(len, numeric)))
        self.valid = np.zeros(shape, dtype=bool)  # a numeric step, not padding
        self.position = np.zeros(shape, dtype=np.intp)  # in features.NUMERIC
        self.threshold, self.tolerance = np.zeros(shape), np.ones(shape)
        self.names, self.shown = np.empty(shape, object), np.empty(shape, object)
        for n, steps in enumerate(numeric):
            for j, (name, _, threshold, shown, tolerance) in enumerate(steps):
                self.valid[n, j], self.position[n, j] = True, vocab.NUMERIC.index(name)
                self.threshold[n, j], self.tolerance[n, j] = threshold, tolerance
                self.names[n, j], self.shown[n, j] = name, shown

    def results(
        self, batch: Batch, leaves: np.ndarray, per_row: tuple
    ) -> list[PredictionResult]:
        """The batch's answers; `per_row` holds each row's probabilities, set,
        warnings and flips (object arrays)."""
        probabilities, sets, warnings, flips = (a.tolist() for a in per_row)
        values = np.empty((len(batch), len(batch.values)), dtype=object)
        for j, column in enumerate(batch.values):  # as given: ints stay ints
            values[:, j] = np.array(column, dtype=object)
        explanations = self.explanations(batch, leaves, values)
        boundaries = self.boundaries(batch, leaves, values)
        return list(map(make_result, zip(
            self.drugs[leaves].tolist(), probabilities, repeat(self.version),
            explanations, boundaries, warnings, sets, repeat(self.coverage), flips,
        )))  # fmt: skip

    def explanations(
        self, batch: Batch, leaves: np.ndarray, values: np.ndarray
    ) -> list[tuple[str, ...]]:
        """Each row's reasons, made leaf by leaf, its own values written as
        ``f"{value}"`` writes them."""
        order = np.argsort(leaves, kind="stable")
        distinct, starts = np.unique(leaves[order], return_index=True)
        out = np.empty(len(leaves), dtype=object)
        pieces = np.split(order, starts[1:])  # one (empty) even of no rows
        for leaf, rows in zip(distinct.tolist(), pieces, strict=False):
            columns = []
            for text in self.texts[leaf]:
                if isinstance(text, np.ndarray):  # by category combination
                    columns.append(text[batch.combination[rows]].tolist())
                else:
                    position, template = text
                    numbers = values[rows, position].tolist()
                    columns.append(map(template.__mod__, numbers))
            made = zip(*columns, strict=True)
            out[rows] = np.fromiter(made, dtype=object, count=len(rows))
        return out.tolist()

    def boundaries(
        self, batch: Batch, leaves: np.ndarray, values: np.ndarray
    ) -> list[Boundary | None]:
        """Each row's nearest numeric threshold (the first of equals)."""
        position, row = self.position[leaves], np.arange(len(leaves))
        numbers = np.take_along_axis(batch.numbers, position, axis=1)
        distance = np.abs(numbers - self.threshold[leaves])
        score = np.where(self.valid[leaves], distance / self.tolerance[leaves], np.inf)
        best = score.argmin(axis=1)
        found = map(make_boundary, zip(
            self.names[leaves, best].tolist(), self.shown[leaves, best].tolist(),
            values[row, position[row, best]].tolist(),
            rounded_3(distance[row, best]).tolist(),
            (score[row, best] < 1).tolist(), strict=True,
        ))  # fmt: skip
        boundaries = list(found)
        for i in np.flatnonzero(~self.valid[leaves, 0]).tolist():
            boundaries[i] = None  # a leaf reached by categories alone
        return boundaries


def texts(steps: tuple) -> list:
    """Per step of a leaf's path: its texts by category combination, or the
    number's position and a template for its value."""
    found = []
    for index, step in steps:
        name = vocab.FEATURES[index]
        if type(step) is dict:
            k = vocab.CATEGORICAL.index(name)
            found.append(objects(step[c[k]] for c in COMBINATIONS))
        else:
            name_, condition = (part.replace("%", "%%") for part in (name, step[1]))
            found.append((vocab.NUMERIC.index(name), f"{name_} %s{condition}"))
    return found


def rounded_3(values: np.ndarray) -> np.ndarray:
    """``round(x, 3)`` of each value (finite, in [0, 2**43)), exactly as Python
    rounds: a float is m * 2**-k with m < 2**53, so x * 1000 is the integer
    m * 1000 < 2**63 shifted right by k, rounded half to even on the bits shifted
    out; the float nearest to that integer / 1000 is Python's answer too."""
    fraction, exponent = np.frexp(values)
    scaled = (fraction * 2.0**53).astype(np.uint64) * np.uint64(1000)
    shift = 53 - exponent.astype(np.int64)
    tiny = shift > 63  # x * 1000 < 0.5
    shift = np.clip(shift, 1, 63).astype(np.uint64)
    kept = scaled >> shift
    rest, half = scaled - (kept << shift), np.uint64(1) << (shift - np.uint64(1))
    up = (rest > half) | ((rest == half) & (kept & np.uint64(1)).astype(bool))
    return np.where(tiny, np.uint64(0), kept + up).astype(float) / 1000
