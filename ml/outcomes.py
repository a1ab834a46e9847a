"""Recorded outcomes as training rows: what ``train_model --with-outcomes`` adds.

The rows come from the web product's log, which ``ml`` never imports: the
setting ``ML_OUTCOMES_SOURCE`` names a callable returning ``OutcomeRows``
(``predictions.training_data.outcome_rows``), as ``AUTH_USER_MODEL`` names a model.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from ml import features as vocab
from ml.dataset import Dataset


@dataclass(frozen=True)
class OutcomeRows:
    """Inputs of served predictions and the drug prescribed, oldest first."""

    records: tuple[vocab.PatientRecord, ...]
    labels: tuple[str, ...]
    recorded_at: tuple[datetime, ...]  # when each outcome was recorded

    @property
    def rows(self) -> int:
        return len(self.records)

    @property
    def until(self) -> datetime | None:
        """When the last outcome used was recorded."""
        return max(self.recorded_at, default=None)

    def text(self) -> str:
        """The rows as CSV lines in the dataset's column order (what is hashed)."""
        return "".join(
            ",".join(str(v) for v in (*record.as_row(), label)) + "\n"
            for record, label in zip(self.records, self.labels, strict=True)
        )


def outcomes_source() -> Callable[[], OutcomeRows]:
    """The callable named by ML_OUTCOMES_SOURCE."""
    path = getattr(settings, "ML_OUTCOMES_SOURCE", "")
    if not path:
        raise ImproperlyConfigured(
            "ML_OUTCOMES_SOURCE is not set: name the callable that reads recorded "
            "outcomes, e.g. 'predictions.training_data.outcome_rows'."
        )
    return import_string(path)


def outcomes_entry(outcomes: OutcomeRows) -> dict:
    """The manifest's ``outcomes``: how many rows, up to when, and their hash."""
    return {
        "rows": outcomes.rows,
        "until": outcomes.until.isoformat() if outcomes.until else None,
        "sha256": hashlib.sha256(outcomes.text().encode()).hexdigest(),
    }


def dataset_with_outcomes(dataset: Dataset, outcomes: OutcomeRows) -> Dataset:
    """The CSV's rows followed by the outcomes'. Its sha256 is that of the CSV's
    sha256 (hex), a newline, then the outcome rows as CSV lines."""
    combined = f"{dataset.sha256}\n{outcomes.text()}".encode()
    return replace(
        dataset,
        path=f"{dataset.path} + {outcomes.rows} recorded outcomes",
        records=dataset.records + outcomes.records,
        labels=dataset.labels + outcomes.labels,
        sha256=hashlib.sha256(combined).hexdigest(),
    )
