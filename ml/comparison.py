"""A new model's cross-validation beside the active model's, on the same folds.

The folds are those of ``ml.training.cross_validate`` over the combined data
(same scheme, same seed). The new model is refit on each fold's training rows and
scored on its test rows (its reported CV). The active model is not refit: its
fitted Pipeline, as served, is scored on each test fold. On rows it was trained
on that score is in-sample and flatters it, so the comparison is also given on
the rows it never saw: the recorded outcomes after those it was trained on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from sklearn.base import clone
from sklearn.model_selection import StratifiedKFold

from ml.artifacts import load_pipeline
from ml.dataset import Dataset
from ml.exceptions import ModelUnavailable
from ml.models import ModelVersion
from ml.training import CV_FOLDS, CV_SEED, to_frame


@dataclass(frozen=True)
class Scores:
    """One model's accuracy per fold, and its hits on the rows unseen by the
    active model."""

    folds: list[float]
    unseen_correct: int

    @property
    def mean(self) -> float:
        return float(np.mean(self.folds))


@dataclass(frozen=True)
class Comparison:
    active: str  # the active version, "" when none
    new: Scores
    served: Scores | None  # None: no active model, or it could not be loaded
    unseen: int  # rows the active model never trained on
    problem: str = ""  # why the active model was not scored


def compare_with_active(
    *,
    dataset: Dataset,
    pipeline,
    active: ModelVersion | None,
    unseen: Sequence[bool],
    seed: int = CV_SEED,
) -> Comparison:
    """Score the new recipe out-of-fold and the active model as served."""
    X, y = to_frame(dataset.records), np.asarray(dataset.labels)
    mask = np.asarray(unseen, dtype=bool)
    folds = list(
        StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=seed).split(X, y)
    )
    oof = np.empty_like(y)
    for train_idx, test_idx in folds:
        model = clone(pipeline).fit(X.iloc[train_idx], y[train_idx])
        oof[test_idx] = model.predict(X.iloc[test_idx])
    new = scores(oof, y, folds, mask)
    if active is None:
        return Comparison("", new, None, int(mask.sum()), "no model is active")
    try:
        served = load_pipeline(
            active.path, active.sha256, active.manifest.get("libraries", {})
        ).predict(X)
    except ModelUnavailable as exc:
        return Comparison(active.version, new, None, int(mask.sum()), str(exc))
    return Comparison(
        active.version, new, scores(served, y, folds, mask), int(mask.sum())
    )


def scores(predicted: np.ndarray, y: np.ndarray, folds, mask: np.ndarray) -> Scores:
    hits = predicted == y
    return Scores(
        [float(hits[test].mean()) for _, test in folds], int(hits[mask].sum())
    )


def format_comparison(c: Comparison) -> str:
    """The comparison as text for ``train_model``."""
    lines = [
        "",
        f"Compared with the active model on the same {CV_FOLDS} folds (stratified, "
        f"shuffled, seed {CV_SEED}):",
        "  new: refit on each fold's training rows, scored on its test rows;",
        "  active: as served, not refit (in-sample on the rows it was trained on).",
        f"{'model':<34}"
        + "".join(f"{'fold ' + str(i + 1):>8}" for i in range(CV_FOLDS))
        + f"{'mean':>8}",
    ]
    rows = [("new", c.new)] + ([(f"active {c.active}", c.served)] if c.served else [])
    for name, s in rows:
        lines.append(
            f"{name:<34}" + "".join(f"{v:>8.3f}" for v in s.folds) + f"{s.mean:>8.3f}"
        )
    if c.served is None:
        lines.append(f"Active model not scored: {c.problem.rstrip('.')}.")
    elif not c.unseen:
        lines.append("The active model was trained on every recorded outcome too.")
    else:
        lines.append(
            f"On the {c.unseen} recorded outcome(s) the active model never trained "
            f"on: new {share(c.new.unseen_correct, c.unseen)} right, active "
            f"{share(c.served.unseen_correct, c.unseen)}."
        )
    return "\n".join(lines)


def share(right: int, total: int) -> str:
    return f"{right}/{total} ({right / total:.1%})"
