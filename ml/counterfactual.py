"""The nearest change of one number that gives another drug ("what would flip it").

Per numeric feature, the others fixed: the smallest change within features.RANGES
that changes the tree's answer (Age in whole years; Na_to_K with 2 decimals, more
only for a band narrower than 0.01), true under scikit-learn's float32 ``<=``.
Tables per category combination and band of the other feature are built at load.
"""

from __future__ import annotations

import math
from bisect import bisect_left
from itertools import product
from operator import itemgetter

import numpy as np

from ml import features as vocab

INF = math.inf
PLACES, MAX_PLACES = 2, 6  # decimals of a stated Na_to_K value: usually, at most


def left_limit(threshold: float) -> float:
    """The largest float64 x whose float32 rounding still satisfies x <= threshold."""
    low = np.float32(threshold)
    if float(low) > threshold:
        low = np.nextafter(low, np.float32(-INF))
    middle = (float(low) + float(np.nextafter(low, np.float32(INF)))) / 2
    return middle if np.float32(middle) == low else math.nextafter(middle, -INF)


def roundest(low: float, high: float, integer: bool, first: bool) -> float | None:
    """The smallest (first) or largest number in (low, high] with fewest decimals."""
    for places in (0,) if integer else range(PLACES, MAX_PLACES + 1):
        scale = 10**places
        start = math.floor((low if first else high) * scale)
        steps = (start + d for d in ((0, 1, 2) if first else (1, 0, -1)))
        inside = [k for k in steps if low < k / scale <= high]
        if inside:
            return (min if first else max)(inside) / scale
    if integer or high <= low:
        return None
    return math.nextafter(low, INF) if first else high


def pieces(export: dict, cuts: list[float], col: int, point: dict) -> list[tuple]:
    """(low, high, node) pieces of the line along column `col` through `point`."""
    left, right, feature = export["left"], export["right"], export["feature"]
    found, stack = [], [(0, -INF, INF)]
    while stack:
        node, low, high = stack.pop()
        if left[node] == -1:
            found.append((low, high, node))
        elif feature[node] != col:
            went_left = point[feature[node]] <= cuts[node]
            stack.append((left[node] if went_left else right[node], low, high))
        else:
            if low < cuts[node]:
                stack.append((left[node], low, min(high, cuts[node])))
            if cuts[node] < high:
                stack.append((right[node], max(low, cuts[node]), high))
    return sorted(found)


def flip_table(found: list[tuple], drugs: list[str], name: str) -> tuple:
    """Bounds of the one-drug stretches in range, and each one's nearest flips."""
    integer, (bottom, top) = name in vocab.INTEGER, vocab.RANGES[name]
    spans: list[list] = []  # [low, high, drug] of reachable values, merged
    for low, high, node in found:
        low, high = max(low, math.nextafter(bottom, -INF)), min(high, top)
        if roundest(low, high, integer, True) is None:
            continue  # no acceptable input falls here (e.g. no whole year)
        if spans and spans[-1][2] == drugs[node]:
            spans[-1][1] = high
        else:
            spans.append([low, high, drugs[node]])
    ups = [flip(name, spans[i + 1], True) for i in range(len(spans) - 1)] + [None]
    downs = [None] + [flip(name, spans[i - 1], False) for i in range(1, len(spans))]
    return [s[1] for s in spans[:-1]], ups, downs


def flip(name: str, span: list, up: bool) -> tuple:
    """The value that moves into `span`, with the answer's fixed fields."""
    value = roundest(span[0], span[1], name in vocab.INTEGER, up)
    value = int(value) if name in vocab.INTEGER else value
    text = f"{name} {'≥' if up else '≤'} {value!r} → {span[2]}"
    answer = {"feature": name, "direction": "above" if up else "below"}
    return value, answer | {"value": value, "drug": span[2], "text": text}


class Counterfactuals:
    """Tables of the nearest flip per feature, built once from ``export_tree`` data."""

    def __init__(self, export: dict):
        self.export, columns, codes = export, export["columns"], export["codes"]
        self.cuts = [left_limit(t) for t in export["threshold"]]
        self.drugs = [export["classes"][int(np.argmax(v))] for v in export["value"]]
        named = [c for c in columns if c in codes]
        self.categories = itemgetter(*(vocab.FEATURES.index(c) for c in named))
        slots = [(columns.index(c), codes[c]) for c in named]
        numeric = [columns.index(c) for c in vocab.NUMERIC if c in columns]
        on = list(zip(self.cuts, export["feature"], strict=True))
        self.bands = {i: sorted({cut for cut, f in on if f == i}) for i in numeric}
        self.tables = []
        for col in numeric:
            others, table = [i for i in numeric if i != col], {}
            for values in product(*(cs for _, cs in slots)):
                pairs = zip(slots, values, strict=True)
                point = {i: float(cs.index(v)) for (i, cs), v in pairs}
                table[values] = self.by_band(col, others, point)
            where = [(vocab.FEATURES.index(columns[i]), self.bands[i]) for i in others]
            name = columns[col]
            self.tables.append(
                (vocab.FEATURES.index(name), name in vocab.INTEGER, where, table)
            )

    def by_band(self, col: int, others: list[int], point: dict) -> list | tuple:
        """Flip tables along column `col`, nested by the band of each other column."""
        if others:
            first, rest = others[0], others[1:]
            bands = [*self.bands[first], INF]  # each band by its upper cut
            return [self.by_band(col, rest, {**point, first: c}) for c in bands]
        found = pieces(self.export, self.cuts, col, point)
        return flip_table(found, self.drugs, self.export["columns"][col])

    def for_row(self, row: tuple) -> tuple[dict | None, ...]:
        """Nearest flip per numeric feature (vocab.NUMERIC order; up wins a tie).

        The dicts are shared by every row that flips at the same point: read them,
        never change them.
        """
        values, answers = self.categories(row), []
        for index, _, where, table in self.tables:
            entry, x = table[values], row[index]
            for i, cuts in where:
                entry = entry[bisect_left(cuts, row[i])]
            bounds, ups, downs = entry
            at = bisect_left(bounds, x)
            best, down = ups[at], downs[at]
            if best is None or (down is not None and x - down[0] < best[0] - x):
                best = down
            answers.append(None if best is None else best[1])
        return tuple(answers)


def nearest_changes(export: dict, row: tuple) -> tuple[dict | None, ...]:
    """The nearest flip per numeric feature for one row (builds the tables: slow)."""
    return Counterfactuals(export).for_row(row)
