"""What the served answer's confidence is fitted from (training side).

Three things go into ``compiled.json`` beside the tree: the vote of bootstrap
trees (``ml.votes``, served by ``ml.uncertainty``), the conformal calibration of
prediction sets (``ml.calibration``, served by ``ml.conformal``), and the figures
measured out of fold (Brier score, ECE, coverage) go into the manifest's metrics.
See docs/confidence.md.
"""

from __future__ import annotations

from ml.calibration import (
    calibrate,
    calibration_figures,
    measured_coverage,
    out_of_fold,
)
from ml.dataset import Dataset
from ml.votes import fit_uncertainty

DEFAULT_COVERAGE = 0.95


def confidence_fit(
    dataset: Dataset, hyperparameters: dict, *, seed: int, coverage: float
) -> tuple[dict, dict]:
    """The export parts for compiled.json, and their held-out figures."""
    records, labels = dataset.records, dataset.labels
    params = hyperparameters
    vote = fit_uncertainty(records, labels, seed=seed, params=params)
    oof = out_of_fold(records, labels, seed=seed, params=params)
    rows = [record.as_row() for record in records]
    sets = calibrate(oof.votes, labels, coverage, classes=oof.classes, rows=rows)
    figures = {
        "calibration": calibration_figures(oof, labels),
        "conformal": measured_coverage(oof, labels, rows, coverage),
    }
    return {"uncertainty": vote, "conformal": sets}, figures
