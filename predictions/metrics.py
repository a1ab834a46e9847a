"""Prometheus metrics of the prediction service (beside django-prometheus's own)."""

from prometheus_client import Counter, Histogram

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
