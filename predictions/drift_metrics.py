"""Drift as Prometheus gauges: ``drugsite_drift_psi`` and
``drugsite_drift_out_of_range_ratio``, labelled by feature and version.

Computed at scrape time over the default window (the last 7 days) for the
versions that serve (the active one and the candidate), and kept in the default
cache for ``CACHE_SECONDS`` so that scrapes, from every worker and host, rarely
aggregate the log. ``/metrics`` comes from django-prometheus: the default
registry, or with several workers the multiprocess collector, which only sums what
workers wrote to files; neither takes a value computed per scrape. So the
gauges have a registry of their own with a custom collector, and
``predictions.ops.metrics`` appends its exposition to the page.
"""

from __future__ import annotations

import logging
from contextlib import suppress

from django.core.cache import cache
from django.db import DatabaseError
from django.db.models import Q
from prometheus_client import CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from ml.models import ModelVersion, Rollout
from predictions.drift import drift_report
from predictions.throttle_cache import cache_errors

logger = logging.getLogger("drugsite.ops")

CACHE_KEY = "drugsite:drift:gauges"
CACHE_SECONDS = 60


def drift_figures() -> list[tuple[str, str, float, float]]:
    """(version, feature, PSI, out-of-range share) of each serving version's
    features with served inputs in the default window."""
    figures = []
    serving = ModelVersion.objects.filter(
        Q(is_active=True) | Q(rollout=Rollout.CANDIDATE)
    ).values_list("version", flat=True)
    for version in serving:
        for feature in drift_report(version=version).features:
            if feature.psi is not None:
                figures.append(
                    (version, feature.name, feature.psi, feature.out_of_range_share)
                )
    return figures


def cached_figures() -> list[tuple[str, str, float, float]]:
    """``drift_figures``, from the cache when it holds them."""
    try:
        figures = cache.get(CACHE_KEY)
    except cache_errors():
        figures = None
    if figures is None:
        figures = drift_figures()
        # Unreachable cache: computed again at the next scrape; /metrics answers.
        with suppress(*cache_errors()):
            cache.set(CACHE_KEY, figures, CACHE_SECONDS)
    return figures


class DriftCollector(Collector):
    """Yields the drift gauges when scraped."""

    def collect(self):
        psi = GaugeMetricFamily(
            "drugsite_drift_psi",
            "Population stability index of a feature's served inputs over the last "
            "7 days against the version's training data.",
            labels=["feature", "version"],
        )
        outside = GaugeMetricFamily(
            "drugsite_drift_out_of_range_ratio",
            "Share of a feature's served inputs over the last 7 days outside the "
            "training data's range (numbers) or never seen in it (categories).",
            labels=["feature", "version"],
        )
        try:
            figures = cached_figures()
        except DatabaseError as exc:
            logger.warning("drift gauges left out: database unavailable: %s", exc)
            figures = []
        for version, feature, value, share in figures:
            psi.add_metric([feature, version], value)
            outside.add_metric([feature, version], share)
        yield psi
        yield outside


REGISTRY = CollectorRegistry(auto_describe=False)
REGISTRY.register(DriftCollector())


def exposition() -> bytes:
    """The drift gauges in Prometheus' text format."""
    return generate_latest(REGISTRY)
