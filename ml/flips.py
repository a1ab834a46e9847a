"""The nearest flips of a whole batch, read from ``Counterfactuals``' tables.

The tables are flattened once, at load, into arrays: one entry per category
combination and band of the other numbers, its bounds, and per stretch between
bounds the value and answer of the nearest flip up and down. A batch then finds
every row's answers with numpy, by the same comparisons as ``for_row``, and rows
that flip at the same points share one tuple of answers (read only).
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ml import features as vocab
from ml.batch import COMBINATIONS, Batch, Bisect, objects, sample_row
from ml.counterfactual import Counterfactuals

NONE = float("nan")  # the value of a missing flip: every comparison is false


class Table(NamedTuple):
    """One numeric feature's flip tables, flattened."""

    x: int  # the feature's position in features.NUMERIC
    bands: list[tuple[int, np.ndarray, int]]  # other numbers: position, cuts, count
    first: np.ndarray  # per combination: its first entry
    kind: np.ndarray  # per entry: which of `bounds` it has
    bounds: Bisect  # a row's stretch, by kind
    offset: np.ndarray  # per entry: its first slot (stretch)
    up: np.ndarray  # per slot: the value of the nearest flip up, down (or NONE)
    down: np.ndarray
    up_option: np.ndarray  # per slot: that flip's index in `options`
    down_option: np.ndarray
    options: list  # None, then each distinct answer


def entries(flips: Counterfactuals, spec: tuple) -> tuple[list, list[int]]:
    """A table's (bounds, ups, downs) entries in a row, and each combination's
    first: its entries follow by band of the other numbers, the last fastest."""
    _, _, where, table = spec
    found, first = [], []
    for combination in range(len(COMBINATIONS)):
        first.append(len(found))
        nested = [table[flips.categories(sample_row(combination))]]
        for _ in where:  # one level of lists per other number, by its band
            nested = [entry for level in nested for entry in level]
        found.extend(nested)
    return found, first


def flatten(flips: Counterfactuals, spec: tuple) -> Table:
    """Arrays of one of ``Counterfactuals.tables``."""
    index, _, where, _ = spec
    found, first = entries(flips, spec)
    options, seen, slots, offset, kind, bounds = [None], {}, [], [], [], []
    for cuts, ups, downs in found:
        offset.append(len(slots))
        if cuts not in bounds:
            bounds.append(cuts)
        kind.append(bounds.index(cuts))
        for flip in (*ups, *downs):
            if flip is not None and id(flip[1]) not in seen:
                seen[id(flip[1])] = len(options)
                options.append(flip[1])
        slots.extend(zip(ups, downs, strict=True))
    value = [[NONE if f is None else f[0] for f in slot] for slot in slots]
    option = [[0 if f is None else seen[id(f[1])] for f in slot] for slot in slots]
    return Table(
        x=vocab.NUMERIC.index(vocab.FEATURES[index]),
        bands=[
            (vocab.NUMERIC.index(vocab.FEATURES[i]), np.asarray(cuts), len(cuts) + 1)
            for i, cuts in where
        ],
        first=np.array(first),
        kind=np.array(kind),
        bounds=Bisect(bounds),
        offset=np.array(offset),
        up=np.array([v[0] for v in value], dtype=float),
        down=np.array([v[1] for v in value], dtype=float),
        up_option=np.array([o[0] for o in option], dtype=np.intp),
        down_option=np.array([o[1] for o in option], dtype=np.intp),
        options=options,
    )


def chosen(table: Table, batch: Batch) -> np.ndarray:
    """Per row, the index in ``table.options`` of its nearest flip (up wins a tie)."""
    numbers = batch.numbers
    entry = np.zeros(len(batch), dtype=np.intp)
    for position, cuts, count in table.bands:
        entry = entry * count + np.searchsorted(cuts, numbers[:, position])
    entry += table.first[batch.combination]
    x = numbers[:, table.x]
    slot = table.offset[entry] + table.bounds(table.kind[entry], x)
    up = table.up[slot]
    down_wins = np.isnan(up) | (x - table.down[slot] < up - x)
    return np.where(down_wins, table.down_option[slot], table.up_option[slot])


class BatchFlips:
    """``Counterfactuals.for_row`` for every row of a batch."""

    def __init__(self, flips: Counterfactuals):
        self.tables = [flatten(flips, spec) for spec in flips.tables]

    def many(self, batch: Batch) -> np.ndarray:
        """Per row, the nearest flip per numeric feature (an object array)."""
        key = np.zeros(len(batch), dtype=np.intp)
        for table in self.tables:
            key = key * len(table.options) + chosen(table, batch)
        distinct, inverse = np.unique(key, return_inverse=True)
        return objects(map(self.answers, distinct.tolist()))[inverse]

    def answers(self, key: int) -> tuple[dict | None, ...]:
        """The tuple of answers a key stands for."""
        found = []
        for table in reversed(self.tables):
            key, option = divmod(key, len(table.options))
            found.append(table.options[option])
        return tuple(reversed(found))
