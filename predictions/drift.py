"""Drift of the inputs a version served, against its training data.

``drift_report(*, since=None, until=None, version=None) -> DriftReport`` is the
API (the ``drift`` command, ``/metrics`` and the dashboard call it). The window
is ``since <= created_at < until``, by default the 7 days up to now; the version
is a version string, by default the active one (``ModelUnavailable`` when none
is active, ``ModelVersion.DoesNotExist`` for an unknown one). Only served rows
count (``training_data.served``: answered, by this version as the active one or
the candidate; a shadow's rows are duplicates of served inputs).

The counts are made by the database in one query over the window: a conditional
count per training bin of each number (the bins of ``ml.profile``, as SQL
comparisons that SQLite and PostgreSQL evaluate alike), per value of each
category, and out of range; ``ml.drift`` turns them into PSI and verdicts. A
version trained before profiles were recorded gets no figures but a ``problem``
saying how to get them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import pairwise

from django.db.models import Count, Q
from django.utils import timezone

from ml import drift
from ml import features as vocab
from ml.models import ModelVersion
from predictions.models import Prediction
from predictions.training_data import served

DEFAULT_WINDOW = timedelta(days=7)
OTHER = "(other)"  # a category value the profile does not list
NO_PROFILE = (
    "Model version {} was trained before drugsite recorded the training data's "
    "profile, so its drift cannot be measured. Retrain it (python manage.py "
    "train_model) and serve the new version to measure drift."
)


@dataclass(frozen=True)
class DriftReport:
    """Per-feature drift of one version's served inputs over a window."""

    version: str
    since: datetime
    until: datetime
    rows: int  # served inputs in the window
    features: list[drift.FeatureDrift] = field(default_factory=list)
    problem: str = ""  # why there are no figures


def drift_report(
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    version: str | None = None,
) -> DriftReport:
    """Drift of `version`'s served inputs in ``[since, until)``."""
    model_version = (
        ModelVersion.objects.active()
        if version is None
        else ModelVersion.objects.get(version=version)
    )
    until = until or timezone.now()
    since = since or until - DEFAULT_WINDOW
    profile = model_version.manifest.get("profile")
    window = Prediction.objects.filter(
        served(),
        model_version=model_version,
        created_at__gte=since,
        created_at__lt=until,
    )
    if not profile:
        problem = NO_PROFILE.format(model_version.version)
        return DriftReport(
            model_version.version, since, until, window.count(), [], problem
        )
    counts = window.aggregate(rows=Count("id"), **counters(profile["features"]))
    features = [
        feature_drift(name, entry, counts)
        for name, entry in profile["features"].items()
    ]
    return DriftReport(model_version.version, since, until, counts["rows"], features)


def counters(features: dict) -> dict[str, Count]:
    """The conditional counts of every feature's bins, values and out-of-range."""
    found = {}
    for name, entry in features.items():
        column = vocab.FIELD_NAMES[name]
        if entry["kind"] == "category":
            for i, value in enumerate(entry["shares"]):
                found[f"{column}_c{i}"] = Count("id", filter=Q(**{column: value}))
            continue
        bounds = [None, *entry["edges"], None]
        for i, (low, high) in enumerate(pairwise(bounds)):
            found[f"{column}_b{i}"] = Count("id", filter=between(column, low, high))
        low, high = drift.accepted_range(name, entry)
        outside = Q(**{f"{column}__lt": low}) | Q(**{f"{column}__gt": high})
        found[f"{column}_out"] = Count("id", filter=outside)
    return found


def between(column: str, low: float | None, high: float | None) -> Q | None:
    """``low <= column < high``, either end open when None (None: every row)."""
    condition = Q()
    if low is not None:
        condition &= Q(**{f"{column}__gte": low})
    if high is not None:
        condition &= Q(**{f"{column}__lt": high})
    return condition or None


def feature_drift(name: str, entry: dict, counts: dict) -> drift.FeatureDrift:
    """One feature's drift from the query's counts."""
    column = vocab.FIELD_NAMES[name]
    if entry["kind"] != "category":
        bins = [counts[f"{column}_b{i}"] for i in range(len(entry["edges"]) + 1)]
        return drift.number_drift(name, entry, bins, counts[f"{column}_out"])
    values = {v: counts[f"{column}_c{i}"] for i, v in enumerate(entry["shares"])}
    rest = counts["rows"] - sum(values.values())
    return drift.category_drift(name, entry, values | ({OTHER: rest} if rest else {}))
