"""The staff dashboard at ``/dashboard/``: how the served model is doing.

Predictions per day, drug and channel mix and model time come from the daily
counts (predictions.rollup), never from a scan of the log per view; accuracy
comes from the recorded outcomes (predictions.quality), drift from the served
inputs (predictions.drift), the history from ml's ModelChange. Who may open it:
``predictions.view_dashboard`` (Auditors, Model managers; superusers). A window
of 7, 30 or 90 UTC days, today included; any other is a 400 naming the choices.
"""

from __future__ import annotations

from datetime import UTC, date

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_safe

from ml.models import ModelChange
from predictions import dashboard_charts as charts
from predictions.dashboard_figures import days_summed, mixes, window_total
from predictions.dashboard_quality import (
    CACHE_SECONDS,
    drift_section,
    quality_section,
)
from predictions.roles import VIEW_DASHBOARD
from predictions.rollup import ONE_DAY, daily_counts, day_start

WINDOWS = (7, 30, 90)
DEFAULT_WINDOW = 30
HISTORY = 20  # activation history rows shown
TEMPLATE = "predictions/dashboard.html"


def window_days(value: str | None) -> int:
    """The window asked for (days), or ValueError naming the allowed ones."""
    if value is None:
        return DEFAULT_WINDOW
    if value in map(str, WINDOWS):
        return int(value)
    allowed = ", ".join(map(str, WINDOWS))
    raise ValueError(f"days: {value[:20]!r} is not a window; use one of {allowed}.")


def log_figures(first: date, last: date) -> dict:
    """The per-day charts and the mixes, from the daily counts."""
    counts = daily_counts(first=first, last=last)
    days = days_summed(counts, first=first, last=last)
    return {
        "day_bars": mark_safe(charts.day_bars(days)),  # escaped where drawn
        "latency_chart": mark_safe(charts.latency_lines(days)),
        "daily": days[::-1],
        "total": window_total(days),
        **mixes(counts),
    }


def dashboard_context(*, days: int) -> dict:
    """Everything the dashboard shows for the last `days` days."""
    last = timezone.now().astimezone(UTC).date()
    first = last - (days - 1) * ONE_DAY
    since = day_start(first)
    return {
        "days": days,
        "windows": WINDOWS,
        "first": first,
        "last": last,
        **log_figures(first, last),
        "quality": quality_section(since=since),
        "drift": drift_section(since=since),
        "refresh_minutes": CACHE_SECONDS // 60,
        "changes": list(
            ModelChange.objects.select_related("version", "previous")[:HISTORY]
        ),
    }


@login_required
@permission_required(VIEW_DASHBOARD, raise_exception=True)  # signed in: 403 page
@require_safe
def dashboard(request):
    """The dashboard over the window of `?days=` (30 by default)."""
    try:
        days = window_days(request.GET.get("days"))
    except ValueError as exc:
        context = {"error": str(exc), "windows": WINDOWS, "days": None}
        return render(request, TEMPLATE, context, status=400)
    return render(request, TEMPLATE, dashboard_context(days=days))
