"""Prometheus metrics of the prediction service (beside django-prometheus's own)."""

from prometheus_client import Counter, Histogram

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
LATENCY = Histogram(
    "drugsite_prediction_seconds",
    "Model time per request (all records of a batch).",
    ["channel"],
    buckets=(5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 2.5e-4, 1e-3, 1e-2, 0.1),
)
