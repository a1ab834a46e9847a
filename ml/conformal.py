"""Held-out figures for the vote's probabilities, and sets with a stated coverage.

Out of fold, with the served scheme's folds: the vote is fitted on four folds and
scores the fifth, beside the plain tree's 0/1 answers; Brier score and top-label
ECE summarise both. Prediction sets are randomized adaptive prediction sets (APS;
Romano, Sesia and Candès, 2020) calibrated on out-of-fold probabilities: labels
are taken by decreasing probability while the mass before a label plus ``u`` times
its own stays within the calibrated threshold. ``u`` is uniform on [0, 1) and comes
from a hash of the row, so the same patient always gets the same set. The
randomization is what meets the stated coverage on data the tree separates
perfectly (where plain scores all tie at 0); its price is an empty set for about
1 - coverage of the patients the model is sure about (see docs/confidence.md).
"""

from __future__ import annotations

import functools
import struct
from hashlib import blake2b

import numpy as np

from ml.batch import COMBINATIONS, Batch
from ml.uncertainty import FLOAT32, categories_of, numbers_of

METHOD = "aps-randomized"
MASK = (1 << 64) - 1
BITS = struct.Struct(f"<{FLOAT32.size // 4}I")  # the float32s' bits


@functools.cache
def salt(categories: tuple[str, ...]) -> int:
    """A 64-bit number fixed by a combination of category values."""
    digest = blake2b("|".join(categories).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big")


def mix(z):
    """SplitMix64's finaliser on a Python int or a numpy uint64 array (wrapping)."""
    z = (z + 0x9E3779B97F4A7C15) & MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
    return z ^ (z >> 31)


def unit_random(row: tuple) -> float:
    """A number in [0, 1) fixed by the patient as the model sees it (float32)."""
    z = salt(categories_of(row))
    for bits in BITS.unpack(FLOAT32.pack(*numbers_of(row))):
        z = mix(z ^ bits)
    return (z >> 11) / 2.0**53


def unit_randoms(rows: list[tuple]) -> np.ndarray:
    """``unit_random`` of many rows: the same numbers, computed with numpy."""
    return batch_randoms(Batch.of_rows(rows))


def batch_randoms(batch: Batch) -> np.ndarray:
    """``unit_random`` of every row of a batch."""
    z = np.array([salt(c) for c in COMBINATIONS], dtype=np.uint64)[batch.combination]
    for bits in batch.float32.view(np.uint32).T.astype(np.uint64):
        z = mix(z ^ bits)
    return (z >> 11).astype(np.float64) / 2.0**53


def aps_set(probabilities: dict, labels, threshold: float, u: float) -> list[str]:
    """Labels by decreasing probability while mass before + u * own <= threshold."""
    chosen, mass = [], 0.0
    for label in sorted(labels, key=lambda c: -probabilities[c]):  # ties: as listed
        p = probabilities[label]
        if mass + u * p > threshold:
            break
        chosen.append(label)
        mass += p
    return chosen


def prediction_set(probabilities: dict, calibration: dict, row: tuple) -> list[str]:
    """The drugs not ruled out at the calibrated coverage, most probable first."""
    labels, threshold = calibration["labels"], calibration["threshold"]
    return aps_set(probabilities, labels, threshold, unit_random(row))


def prediction_sets(matrix, calibration: dict, rows: list[tuple]) -> list[tuple]:
    """``prediction_set`` for many rows, as tuples shared by the rows whose sets
    are equal; matrix columns in the calibration's labels."""
    labels = calibration["labels"]
    P = np.asarray(matrix, dtype=float).reshape(len(rows), len(labels))
    order = np.argsort(-P, axis=1, kind="stable")
    ranked = np.take_along_axis(P, order, axis=1)
    mass = np.cumsum(np.c_[np.zeros(len(P)), ranked[:, :-1]], axis=1)
    inside = mass + unit_randoms(rows)[:, None] * ranked <= calibration["threshold"]
    sizes = np.logical_and.accumulate(inside, axis=1).sum(axis=1)
    width = len(labels) + 1  # one number per (order, size): few distinct sets
    keys = (order * width ** np.arange(1, len(labels) + 1)).sum(axis=1) + sizes
    distinct, inverse = np.unique(keys, return_inverse=True)
    first = np.zeros(len(distinct), dtype=np.intp)
    first[inverse[::-1]] = np.arange(len(keys))[::-1]
    sets = [
        tuple(labels[j] for j in order[i, : sizes[i]].tolist()) for i in first.tolist()
    ]
    return [sets[k] for k in inverse.tolist()]
