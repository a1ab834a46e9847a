"""Request ids and the one structured log line per request."""

import logging
import re
import time
import uuid

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from predictions.errors import RETRY_AFTER_SECONDS
from predictions.metrics import REQUESTS, UNAVAILABLE
from predictions.paths import wants_json

HEADER = "X-Request-Id"
VALID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
logger = logging.getLogger("drugsite.request")


class RequestIdMiddleware:
    """Use the caller's X-Request-Id when sane, else a new one; echo it; log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        incoming = request.headers.get(HEADER, "")
        request.request_id = incoming if VALID.fullmatch(incoming) else uuid.uuid4().hex
        response = self.get_response(request)
        response[HEADER] = request.request_id
        elapsed = time.perf_counter() - started
        REQUESTS.labels(request.method, response.status_code).observe(elapsed)
        if logger.isEnabledFor(logging.INFO):
            user = getattr(request, "user", None)
            logger.info(
                "request",
                extra={
                    "request_id": request.request_id,
                    "method": request.method,
                    "path": request.path,
                    "status": response.status_code,
                    "latency_ms": round(elapsed * 1000, 3),
                    "user": user.pk
                    if user is not None and user.is_authenticated
                    else None,
                },
            )
        return response


DATABASE_DOWN = (
    "The database is unavailable, so nothing was predicted or logged. "
    "Try again shortly."
)


class DatabaseUnavailableMiddleware:
    """A database that cannot be reached is a 503 with a clear message, not a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logging.getLogger("drugsite.ops").error(
            "database unavailable: %s",
            exception,
            extra={"request_id": getattr(request, "request_id", None)},
        )
        UNAVAILABLE.labels("DatabaseUnavailable").inc()
        if wants_json(request.path):
            response = JsonResponse({"detail": DATABASE_DOWN}, status=503)
        else:  # a page for people; it must not touch the session or the user
            page = render_to_string("503.html", {"detail": DATABASE_DOWN})
            response = HttpResponse(page, status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
