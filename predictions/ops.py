"""Operations endpoints: liveness, readiness and Prometheus metrics."""

import logging
import secrets

from django.conf import settings
from django.core.cache import cache
from django.db import DatabaseError, connection
from django.http import HttpResponseForbidden, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found
from django_prometheus.exports import ExportToDjangoView

from ml import ModelUnavailable
from ml.predictor import get_predictor
from ml.reference import failing_examples
from predictions import drift_metrics
from predictions.clients import client_address, parse_address
from predictions.paths import wants_json
from predictions.throttle_cache import cache_errors

logger = logging.getLogger("drugsite.ops")


@never_cache
def healthz(request):
    """The process is alive and answering."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Database and the active model work; 503 names what does not. A cache that
    cannot be reached is named "degraded" but keeps the host in (throttling then
    fails open): every host shares one Redis, and pulling them all helps nobody."""
    checks = {"database": check_database(), "model": check_model()}
    if settings.REDIS_URL:
        checks["cache"] = check_cache()
    states = {value.partition(":")[0] for value in checks.values()}
    if "failing" in states:
        return JsonResponse({"status": "unavailable", "checks": checks}, status=503)
    status = "degraded" if "degraded" in states else "ok"
    return JsonResponse({"status": status, "checks": checks})


def check_database() -> str:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as exc:
        logger.error("readiness: database unreachable: %s", exc)
        return "failing: database unreachable"
    return "ok"


def check_model() -> str:
    try:
        predictor = get_predictor()
    except ModelUnavailable as exc:
        logger.error("readiness: %s", exc)
        return "failing: no usable model (see the server log)"
    except DatabaseError:
        return "failing: model registry unreachable"
    wrong = failing_examples(predictor.predict)
    if wrong:
        logger.error("readiness: reference examples answered wrongly: %s", wrong)
        return (
            f"failing: model {predictor.version} answers the reference examples wrongly"
        )
    return f"ok: {predictor.version}"


def check_cache() -> str:
    try:
        cache.set("readyz", "1", 5)
        if cache.get("readyz") != "1":
            return "degraded: cache did not keep a value"
    except cache_errors() as exc:
        logger.warning("readiness: cache unreachable: %s", exc)
        return "degraded: unreachable"
    return "ok"


def metrics_allowed(request) -> bool:
    """A bearer token when METRICS_TOKEN is set, else a client address on the list.

    Behind DRUGSITE_NUM_PROXIES proxies the address is the forwarded one, so a
    request that a proxy on this host relays from outside is not 127.0.0.1."""
    if settings.METRICS_TOKEN:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return secrets.compare_digest(given.encode(), settings.METRICS_TOKEN.encode())
    client = client_address(request)
    allowed = {parse_address(address) for address in settings.METRICS_ALLOWED_IPS}
    return client is not None and client in allowed


def metrics(request):
    """Prometheus exposition, for allowed scrapers only; the drift gauges,
    computed per scrape, come from a registry of their own (drift_metrics)."""
    if not metrics_allowed(request):
        return HttpResponseForbidden("metrics are not open to this client\n")
    response = ExportToDjangoView(request)
    response.write(drift_metrics.exposition())
    return response


def not_found(request, exception=None):
    """404: JSON under /api/ and for /drug (as the API documents), HTML elsewhere."""
    if wants_json(request.path):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)
