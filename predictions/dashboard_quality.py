"""The dashboard's accuracy and drift, from predictions.quality and .drift.

Both read the window's rows (outcomes, shadow pairs, served inputs) rather than
daily counts, so each window's figures are kept in the default cache for
``CACHE_SECONDS`` (as the drift gauges are): a page view reads the cache, and
the log is read again at most that often per window. The page says when.
"""

from __future__ import annotations

from contextlib import suppress
from datetime import datetime

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone
from django.utils.safestring import mark_safe

from ml import drift as verdicts
from ml.models import ModelVersion, Rollout
from predictions.dashboard_charts import intervals
from predictions.drift import drift_report
from predictions.quality import quality_report, shadow_comparison
from predictions.throttle_cache import cache_errors

CACHE_SECONDS = 300
LEVELS = {
    verdicts.STABLE_TEXT: "stable",
    verdicts.MODERATE_TEXT: "moderate",
    verdicts.MAJOR_TEXT: "major",
}


def cached(key: str, compute):
    """compute(), from the cache when it holds it; computed again if the cache
    cannot be reached (the page still answers)."""
    try:
        found = cache.get(key)
    except cache_errors():
        found = None
    if found is None:
        found = compute()
        with suppress(*cache_errors()):
            cache.set(key, found, CACHE_SECONDS)
    return found


def quality_figures(since: datetime) -> dict:
    """Accuracy per version and arm, and the shadows' paired comparison."""
    return {
        "arms": quality_report(since=since),
        "shadows": shadow_comparison(since=since),
        "at": timezone.now(),
    }


def drift_figures(since: datetime) -> dict:
    """Drift of the active version's and the candidate's served inputs."""
    serving = ModelVersion.objects.filter(
        Q(is_active=True) | Q(rollout=Rollout.CANDIDATE)
    ).order_by("-is_active", "version")
    return {
        "reports": [
            drift_report(since=since, version=version)
            for version in serving.values_list("version", flat=True)
        ],
        "at": timezone.now(),
    }


def quality_section(*, since: datetime) -> dict:
    """The accuracy table's rows, its interval chart and the shadow comparison."""
    found = cached(
        f"drugsite:dashboard:quality:{since.isoformat()}",
        lambda: quality_figures(since),
    )
    points = [
        (
            f"{q.version} · {q.arm} · n = {q.count}",
            q.accuracy,
            q.interval.low,
            q.interval.high,
        )
        for q in found["arms"]
        if q.interval is not None
    ]
    return found | {"chart": mark_safe(intervals(points)) if points else ""}


def drift_section(*, since: datetime) -> dict:
    """Each serving version's drift per feature, with the verdict's colour."""
    found = cached(
        f"drugsite:dashboard:drift:{since.isoformat()}", lambda: drift_figures(since)
    )
    return found | {
        "tables": [
            (report, [(f, LEVELS.get(f.verdict, "none")) for f in report.features])
            for report in found["reports"]
        ]
    }
