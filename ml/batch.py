"""Many records as arrays: what every batched step of an answer reads.

An answer depends on a row's combination of categories and on its numbers. A
``Batch`` turns each into one numpy array, once, so that the leaf, the vote, the
random number of the prediction set and the flips are all found without a loop
over rows in Python; tables indexed by combination replace per-row lookups.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from itertools import product
from operator import attrgetter, itemgetter

import numpy as np

from ml import features as vocab

#: Every combination of category values (features.CATEGORICAL order), by index.
COMBINATIONS: tuple[tuple[str, ...], ...] = tuple(product(*vocab.CATEGORIES.values()))
INDEX = {values: i for i, values in enumerate(COMBINATIONS)}
CATEGORIES = [vocab.FEATURES.index(name) for name in vocab.CATEGORICAL]
NUMBERS = [vocab.FEATURES.index(name) for name in vocab.NUMERIC]


class Batch:
    """Rows' category combinations and numbers (features.NUMERIC order)."""

    __slots__ = ("combination", "float32", "numbers", "values")

    def __init__(self, categories: Iterable[tuple], values: list[list], size: int):
        #: Index in COMBINATIONS of each row's category values.
        self.combination = np.fromiter(
            map(INDEX.__getitem__, categories), np.intp, size
        )
        self.values = values  # per number, the values as given: ints stay ints
        #: One column per number, as float64 and as scikit-learn compares (float32).
        self.numbers = np.empty((size, len(values)), dtype=float)
        for j, column in enumerate(values):
            self.numbers[:, j] = column
        self.float32 = self.numbers.astype(np.float32)

    def __len__(self) -> int:
        return len(self.combination)

    @classmethod
    def of_records(cls, records: Sequence) -> Batch:
        """A batch of validated ``PatientRecord``s."""
        categories = attrgetter(*(vocab.FIELDS[i] for i in CATEGORIES))
        values = [list(map(attrgetter(vocab.FIELDS[i]), records)) for i in NUMBERS]
        return cls(map(categories, records), values, len(records))

    @classmethod
    def of_rows(cls, rows: Sequence[tuple]) -> Batch:
        """A batch of rows in FEATURES order."""
        values = [list(map(itemgetter(i), rows)) for i in NUMBERS]
        return cls(map(itemgetter(*CATEGORIES), rows), values, len(rows))

    def row(self, i: int) -> tuple:
        """Row `i` in FEATURES order, its values as given."""
        return sample_row(int(self.combination[i]), [v[i] for v in self.values])


def sample_row(combination: int, numbers: Sequence = ()) -> tuple:
    """A row in FEATURES order with a combination's categories and the numbers
    given (None where none is)."""
    row: list = [None] * len(vocab.FEATURES)
    for i, value in zip(CATEGORIES, COMBINATIONS[combination], strict=True):
        row[i] = value
    for i, value in zip(NUMBERS, numbers, strict=False):
        row[i] = value
    return tuple(row)


class Bisect:
    """``bisect_left(cuts[g], x)`` for many pairs (g, x) in two numpy calls.

    Every group's sorted cuts go into one array as complex numbers g + cut·i,
    which numpy orders by real part, then imaginary part: a row's position among
    them, less where its group starts, is its position among its group's cuts.
    """

    def __init__(self, cuts: Sequence[Sequence[float]]):
        self.keys = np.array(
            [complex(g, cut) for g, group in enumerate(cuts) for cut in group],
            dtype=complex,
        )
        self.start = np.cumsum([0, *map(len, cuts)])[:-1]

    def __call__(self, group: np.ndarray, x: np.ndarray) -> np.ndarray:
        keys = np.empty(len(group), dtype=complex)
        keys.real, keys.imag = group, x
        return np.searchsorted(self.keys, keys) - self.start[group]


def objects(items: Iterable) -> np.ndarray:
    """A one-dimensional object array of the items, tuples kept whole."""
    items = list(items)
    out = np.empty(len(items), dtype=object)
    for i, item in enumerate(items):
        out[i] = item
    return out
