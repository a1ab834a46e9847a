"""Operations endpoints: liveness, readiness and Prometheus metrics."""

import ipaddress
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
from predictions.paths import wants_json

logger = logging.getLogger("drugsite.ops")


@never_cache
def healthz(request):
    """The process is alive and answering."""
    return JsonResponse({"status": "ok"})


@never_cache
def readyz(request):
    """Database, cache and the active model all work; 503 names what does not."""
    checks = {"database": check_database(), "model": check_model()}
    if settings.REDIS_URL:
        checks["cache"] = check_cache()
    ready = all(value.startswith("ok") for value in checks.values())
    body = {"status": "ok" if ready else "unavailable", "checks": checks}
    return JsonResponse(body, status=200 if ready else 503)


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
            return "failing: cache did not keep a value"
    except Exception as exc:  # django-redis raises its client's errors
        logger.error("readiness: cache unreachable: %s", exc)
        return "failing: cache unreachable"
    return "ok"


def metrics_allowed(request) -> bool:
    """A bearer token when METRICS_TOKEN is set, else a client address on the list."""
    if settings.METRICS_TOKEN:
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        return secrets.compare_digest(given.encode(), settings.METRICS_TOKEN.encode())
    try:
        client = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
    except ValueError:
        return False
    return any(client == ipaddress.ip_address(a) for a in settings.METRICS_ALLOWED_IPS)


def metrics(request):
    """Prometheus exposition, for allowed scrapers only."""
    if not metrics_allowed(request):
        return HttpResponseForbidden("metrics are not open to this client\n")
    return ExportToDjangoView(request)


def not_found(request, exception=None):
    """404: JSON under /api/ and for /drug (as the API documents), HTML elsewhere."""
    if wants_json(request.path):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)
