"""Request ids and the one structured log line per request.

Each request gets a server-made id, unique, sent back as X-Request-Id and written
on its log rows as ``request_id``: a UUID version 7 (RFC 9562) in hex, whose
leading milliseconds make ids made one after another sort together, so that the
log's request-id index grows at its end instead of at random places. A caller's
own sane X-Correlation-Id (or, as before, X-Request-Id) is kept as
``correlation_id`` and echoed as X-Correlation-Id: two callers sending the same id
no longer share one.
"""

import logging
import os
import re
import time

from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string

from predictions import metrics
from predictions.errors import RETRY_AFTER_SECONDS
from predictions.paths import wants_json

HEADER = "X-Request-Id"
CORRELATION_HEADER = "X-Correlation-Id"
VALID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
logger = logging.getLogger("drugsite.request")


def request_id_new() -> str:
    """A UUIDv7 in hex: 48 bits of Unix milliseconds, the version, 74 random bits."""
    value = (time.time_ns() // 1_000_000) << 80 | int.from_bytes(os.urandom(10))
    value = value & ~(0xF << 76) | 0x7 << 76  # version 7
    value = value & ~(0x3 << 62) | 0x2 << 62  # variant 10
    return f"{value:032x}"


def correlation_id_of(meta: dict) -> str:
    """The caller's X-Correlation-Id, else X-Request-Id, when sane; else empty
    (from a request's META, or a WSGI environ)."""
    for key in ("HTTP_X_CORRELATION_ID", "HTTP_X_REQUEST_ID"):
        incoming = meta.get(key, "")
        if incoming:
            return incoming if VALID.fullmatch(incoming) else ""
    return ""


def request_logged(
    *,
    request_id: str,
    correlation_id: str,
    method: str,
    path: str,
    status: int,
    elapsed: float,
    meta: dict,
    user=None,
) -> None:
    """Count a finished request for Prometheus and write its one log line; `user`
    (a lazy one is read only for the line) is the account that asked, if any.

    The line is also the access log: it names the client's address and the HTTP
    version from `meta` (the request's META, or the WSGI environ), so the server
    need not write a second line per request (drugsite.serve, ``ACCESS_LOG``)."""
    metrics.observe(metrics.REQUESTS, elapsed, method, status)
    if logger.isEnabledFor(logging.INFO):
        signed_in = user is not None and user.is_authenticated
        logger.info(
            "request",
            extra={
                "request_id": request_id,
                "correlation_id": correlation_id or None,
                "method": method,
                "path": path,
                "status": status,
                "latency_ms": round(elapsed * 1000, 3),
                "user": user.pk if signed_in else None,
                "addr": meta.get("REMOTE_ADDR"),
                "protocol": meta.get("SERVER_PROTOCOL"),
            },
        )


class RequestIdMiddleware:
    """A new id per request and the caller's correlation id; send both back; log."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        request.request_id = request_id_new()
        request.correlation_id = correlation_id_of(request.META)
        response = self.get_response(request)
        response[HEADER] = request.request_id
        if request.correlation_id:
            response[CORRELATION_HEADER] = request.correlation_id
        request_logged(
            request_id=request.request_id,
            correlation_id=request.correlation_id,
            method=request.method,
            path=request.path,
            status=response.status_code,
            elapsed=time.perf_counter() - started,
            meta=request.META,
            user=getattr(request, "user", None),
        )
        return response


DATABASE_DOWN = (
    "The database is unavailable, so nothing was predicted or logged. "
    "Try again shortly."
)


DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)


def database_down(exception: Exception, request_id: str | None) -> None:
    """Log and count a request answered 503 because the database is unreachable."""
    logging.getLogger("drugsite.ops").error(
        "database unavailable: %s", exception, extra={"request_id": request_id}
    )
    metrics.inc(metrics.UNAVAILABLE, "DatabaseUnavailable")


class ExceptionMiddleware:
    """A middleware whose only work is ``process_exception`` (Django calls it)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)


class DatabaseUnavailableMiddleware(ExceptionMiddleware):
    """A database that cannot be reached is a 503 with a clear message, not a 500."""

    def process_exception(self, request, exception):
        if not isinstance(exception, DATABASE_DOWN_ERRORS):
            return None
        database_down(exception, getattr(request, "request_id", None))
        if wants_json(request.path):
            response = JsonResponse({"detail": DATABASE_DOWN}, status=503)
        else:  # a page for people; it must not touch the session or the user
            page = render_to_string("503.html", {"detail": DATABASE_DOWN})
            response = HttpResponse(page, status=503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
