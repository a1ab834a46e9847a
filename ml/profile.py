"""The training data's profile, recorded in the manifest for drift (``ml.drift``).

Per feature: for a number, the deciles of the training values as bin edges and
the share of training rows in each bin; for a category, the share of each
allowed value; the observed range. Bin ``i`` holds ``edges[i-1] <= x < edges[i]``
and both ends are open, so every value has a bin: ``bin_of`` says which, and the
log's SQL (``predictions.drift``) bins the same way.
"""

from __future__ import annotations

import statistics
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence

from ml import features as vocab

BINS = 10  # deciles
BINNING = "deciles; bin i holds edges[i-1] <= x < edges[i]; both ends open"
DIGITS = 6  # edges are rounded, then the shares counted with the rounded edges


def bin_of(edges: Sequence[float], value: float) -> int:
    """The bin of a value: how many edges are at or below it."""
    return bisect_right(edges, value)


def decile_edges(values: Sequence[float]) -> list[float]:
    """The distinct deciles of the values (fewer when values repeat)."""
    if len(set(values)) < 2:
        return []
    cuts = statistics.quantiles(values, n=BINS, method="inclusive")
    return sorted({round(cut, DIGITS) for cut in cuts})


def number_profile(values: Sequence[float]) -> dict:
    """Bin edges, the share of values in each bin, and the observed range."""
    edges = decile_edges(values)
    counts = Counter(bin_of(edges, value) for value in values)
    return {
        "edges": edges,
        "shares": [counts[i] / len(values) for i in range(len(edges) + 1)],
        "observed_range": [min(values), max(values)],
    }


def category_profile(values: Sequence[str], allowed: Sequence[str]) -> dict:
    """The share of each allowed value (0 for one never seen) and those seen."""
    counts = Counter(values)
    return {
        "shares": {value: counts[value] / len(values) for value in allowed},
        "observed": [value for value in allowed if counts[value]],
    }


def data_profile(records: Sequence[vocab.PatientRecord]) -> dict:
    """The profile of training records, keyed by feature name (the manifest's
    ``profile``)."""
    rows = [record.as_row() for record in records]
    columns = dict(zip(vocab.FEATURES, zip(*rows, strict=True), strict=True))
    features = {}
    for name, values in columns.items():
        spec = vocab.SPEC[name]
        if spec.kind == "category":
            entry = category_profile(values, spec.allowed)
        else:
            entry = number_profile(values)
        features[name] = {"kind": spec.kind, **entry}
    return {"rows": len(records), "binning": BINNING, "features": features}
