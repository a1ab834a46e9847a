"""Build the Pipeline, cross-validate it honestly, fit it on all rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.compose import ColumnTransformer
from sklearn.metrics import classification_report, confusion_matrix
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OrdinalEncoder
from sklearn.tree import DecisionTreeClassifier

from ml import features as vocab
from ml.dataset import Dataset
from ml.exceptions import DatasetError

CV_FOLDS = 5
CV_SEED = 42
TREE_SEED = 0


@dataclass(frozen=True)
class TrainingResult:
    """A fitted Pipeline with the metrics measured before fitting it on all rows."""

    pipeline: Pipeline
    metrics: dict
    hyperparameters: dict


def build_pipeline(random_state: int = TREE_SEED) -> Pipeline:
    """Ordinal-encode the categories (fixed vocabulary) and fit a decision tree."""
    encode = ColumnTransformer(
        [
            (
                "categories",
                OrdinalEncoder(
                    categories=[
                        list(vocab.CATEGORIES[name]) for name in vocab.CATEGORICAL
                    ]
                ),
                list(vocab.CATEGORICAL),
            ),
            ("numbers", "passthrough", list(vocab.NUMERIC)),
        ]
    )
    tree = DecisionTreeClassifier(random_state=random_state)
    return Pipeline([("encode", encode), ("tree", tree)])


def to_frame(records) -> pd.DataFrame:
    """Records as a DataFrame with the dataset's column names."""
    return pd.DataFrame([r.as_row() for r in records], columns=list(vocab.FEATURES))


def train(
    dataset: Dataset, *, random_state: int = TREE_SEED, cv_seed: int = CV_SEED
) -> TrainingResult:
    """Cross-validate (stratified, shuffled, seeded), then fit on every row."""
    X, y = to_frame(dataset.records), np.asarray(dataset.labels)
    check_class_sizes(dataset, y)
    pipeline = build_pipeline(random_state)
    metrics = cross_validate(pipeline, X, y, cv_seed)
    pipeline.fit(X, y)
    metrics["training_accuracy"] = float((pipeline.predict(X) == y).mean())
    tree = pipeline.named_steps["tree"]
    metrics["tree"] = {
        "depth": int(tree.get_depth()),
        "leaves": int(tree.get_n_leaves()),
    }
    params = {k: v for k, v in tree.get_params().items() if is_plain(v)}
    return TrainingResult(pipeline, metrics, params)


def check_class_sizes(dataset: Dataset, y: np.ndarray) -> None:
    """Stratified k-fold needs at least k rows of every class."""
    labels, counts = np.unique(y, return_counts=True)
    small = [
        f"{lab} has {n} row(s)"
        for lab, n in zip(labels, counts, strict=True)
        if n < CV_FOLDS
    ]
    if small:
        raise DatasetError(
            dataset.path,
            [
                f"every drug needs at least {CV_FOLDS} rows for {CV_FOLDS}-fold "
                f"cross-validation: {', '.join(small)}"
            ],
        )


def cross_validate(
    pipeline: Pipeline, X: pd.DataFrame, y: np.ndarray, seed: int
) -> dict:
    """Fold accuracies and out-of-fold precision/recall/confusion matrix."""
    folds = StratifiedKFold(n_splits=CV_FOLDS, shuffle=True, random_state=seed)
    scores, oof = [], np.empty_like(y)
    for train_idx, test_idx in folds.split(X, y):
        model = clone(pipeline).fit(X.iloc[train_idx], y[train_idx])
        oof[test_idx] = model.predict(X.iloc[test_idx])
        scores.append(float((oof[test_idx] == y[test_idx]).mean()))
    labels = sorted(set(y))
    report = classification_report(
        y, oof, labels=labels, output_dict=True, zero_division=0
    )
    return {
        "cv": {
            "scheme": f"stratified {CV_FOLDS}-fold, shuffled, seed {seed}",
            "folds": scores,
            "mean": float(np.mean(scores)),
            "std": float(np.std(scores)),
        },
        "per_class": {
            lab: {k: float(v) for k, v in report[lab].items()} for lab in labels
        },
        "confusion_matrix": {
            "labels": labels,
            "matrix": confusion_matrix(y, oof, labels=labels).tolist(),
        },
    }


def is_plain(value: object) -> bool:
    return value is None or isinstance(value, str | int | float | bool)
