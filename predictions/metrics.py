"""Prometheus metrics of the prediction service (beside django-prometheus's own).

They are counted with ``inc`` and ``observe``, which never fail a request: with
several workers each one's values go to files in ``PROMETHEUS_MULTIPROC_DIR``,
opened at a worker's first count, and a folder removed under a running server
(a cleaner of temporary files, say) would otherwise make every answer of a
worker that had not yet counted a 500, after its row was written. The folder is
made anew and the count tried once more; what cannot be counted is logged. A
worker that had counted before keeps its files open in the removed folder, out
of /metrics' sight until it restarts.
"""

import logging
import os

from prometheus_client import Counter, Histogram

logger = logging.getLogger("drugsite.ops")

REQUESTS = Histogram(
    "drugsite_http_request_seconds",
    "Time to answer an HTTP request, by method and status.",
    ["method", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0),
)
PREDICTIONS = Counter(
    "drugsite_predictions_total",
    "Predictions answered and logged.",
    ["drug", "channel", "model_version"],
)
REJECTED = Counter(
    "drugsite_rejected_requests_total", "Requests rejected for bad input.", ["channel"]
)
UNAVAILABLE = Counter(
    "drugsite_unavailable_total",
    "Requests answered 503 (model or log unavailable).",
    ["reason"],
)
THROTTLE_DEGRADED = Counter(
    "drugsite_throttle_degraded_total",
    "Requests let through unthrottled because the cache could not be reached.",
    ["scope"],
)
LATENCY = Histogram(
    "drugsite_prediction_seconds",
    "Model time per request (all records of a batch).",
    ["channel"],
    buckets=(5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3, 1e-2, 0.1),
)


def inc(metric: Counter, *labels: str, amount: float = 1) -> None:
    """Add `amount` to the `labels` child of `metric`, never failing the caller."""
    counted(metric, labels, "inc", amount)


def observe(metric: Histogram, value: float, *labels: str) -> None:
    """Observe `value` in the `labels` child of `metric`, never failing the caller."""
    counted(metric, labels, "observe", value)


def counted(metric, labels: tuple, method: str, value: float) -> None:
    """Call `method` of the `labels` child with `value`; on an OSError, once
    more if the folder was made anew (folder_remade)."""
    for again in (False, True):
        try:
            getattr(metric.labels(*labels), method)(value)
            return
        except OSError as exc:
            if again or not folder_remade(exc):
                return


def folder_remade(exc: OSError) -> bool:
    """Whether the multiprocess folder was missing and is made anew (try once
    more); the failure is logged either way."""
    folder = os.environ.get("PROMETHEUS_MULTIPROC_DIR", "")
    if folder and not os.path.isdir(folder):
        try:
            os.makedirs(folder, exist_ok=True)
        except OSError:
            pass
        else:
            logger.error(
                "the metrics folder %s was missing and is made anew: counts kept "
                "in the removed one are gone from /metrics",
                folder,
            )
            return True
    logger.error("a metric could not be counted: %s", exc)
    return False
