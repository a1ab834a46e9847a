"""Drift of served inputs from the training data: pure functions on counts.

The population stability index over a feature's bins (``ml.profile``)::

    PSI = sum over bins of (a - e) * ln(a / e)

with ``e`` the training share of a bin and ``a`` the served share. A share of 0
on either side would make the logarithm infinite: it is replaced by ``EPSILON``
(0.0001, one row in ten thousand) before the sum, and the shares are not
renormalised; a bin empty on both sides adds nothing. Verdicts use the usual
thresholds: below 0.1 stable, 0.1 to 0.25 a moderate shift, 0.25 or more a major
shift. With few served rows PSI is noisy (ten bins need a few hundred rows).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from ml import features as vocab

EPSILON = 1e-4
MODERATE, MAJOR = 0.1, 0.25
STABLE_TEXT, MODERATE_TEXT, MAJOR_TEXT = "stable", "moderate shift", "major shift"
NO_DATA = "no data"


@dataclass(frozen=True)
class FeatureDrift:
    """One feature's drift over a window of served inputs."""

    name: str
    count: int  # served inputs in the window
    psi: float | None  # None without served inputs
    out_of_range_share: float | None
    verdict: str


def psi(expected: Sequence[float], counts: Sequence[int]) -> float:
    """PSI of observed counts against expected shares (same bins, same order)."""
    total = sum(counts)
    value = 0.0
    for share, count in zip(expected, counts, strict=True):
        e, a = max(share, EPSILON), max(count / total, EPSILON)
        value += (a - e) * math.log(a / e)
    return value


def verdict(value: float | None) -> str:
    """stable (< 0.1), moderate shift (< 0.25) or major shift; no data for None."""
    if value is None:
        return NO_DATA
    if value < MODERATE:
        return STABLE_TEXT
    return MODERATE_TEXT if value < MAJOR else MAJOR_TEXT


def accepted_range(name: str, entry: dict) -> tuple[float, float]:
    """Where a number is in range: inside the training data's observed range and
    inside the range ml.features accepts."""
    (low, high), (model_low, model_high) = entry["observed_range"], vocab.RANGES[name]
    return max(low, model_low), min(high, model_high)


def number_drift(
    name: str, entry: dict, counts: Sequence[int], out_of_range: int
) -> FeatureDrift:
    """Drift of a number from counts per training bin (``len(edges) + 1`` of them)
    and the count outside ``accepted_range``."""
    return summary(name, entry["shares"], counts, out_of_range)


def category_drift(name: str, entry: dict, counts: Mapping[str, int]) -> FeatureDrift:
    """Drift of a category from counts per value; a value never seen in training
    (or not allowed) is out of range, and a bin of its own."""
    shares = entry["shares"]
    values = list(shares) + sorted(set(counts) - set(shares))
    unseen = sum(counts.get(v, 0) for v in values if not shares.get(v))
    return summary(
        name,
        [shares.get(v, 0.0) for v in values],
        [counts.get(v, 0) for v in values],
        unseen,
    )


def summary(
    name: str, expected: Sequence[float], counts: Sequence[int], out_of_range: int
) -> FeatureDrift:
    total = sum(counts)
    if not total:
        return FeatureDrift(name, 0, None, None, NO_DATA)
    value = psi(expected, counts)
    return FeatureDrift(name, total, value, out_of_range / total, verdict(value))
