"""The tutorial's call answered at the WSGI layer: ``GET /drug?Age=..``, no token.

Django's request cycle (fourteen middleware, URL resolution, DRF's dispatch) costs
more than predicting and logging the answer. This lane answers the tutorial's plain
anonymous call with what Django's view answers it with (status, headers, body, the
log row, the request and prediction lines, the metrics) and hands every other
request to Django unchanged: a token, a parameter that is not valid, a host not
allowed, plain HTTP where HTTPS is required, a throttled caller. A model or log
failure is answered here, as the view answers it (a JSON 503), so no request is
predicted and written twice. ``predictions/tests/test_lane.py`` holds the lane to
the view's answers.
"""

from __future__ import annotations

import time

import orjson
from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest

from ml import ModelUnavailable
from predictions import legacy
from predictions.errors import RETRY_AFTER_SECONDS, unavailable
from predictions.limits import LIMITS
from predictions.middleware import (
    CORRELATION_HEADER,
    HEADER,
    correlation_id_of,
    request_id_new,
    request_logged,
)
from predictions.models import AuthMethod, Channel
from predictions.origin import Origin
from predictions.paths import merge_slashes
from predictions.services import LogUnavailable, prediction_create
from predictions.throttling import anonymous_call_allowed

PATH = "/drug"
STATUS = {200: "200 OK", 503: "503 Service Unavailable"}


def response_headers(secure: bool) -> list[tuple[str, str]]:
    """The headers Django's middleware and DRF give the view's JSON answer."""
    headers = [
        ("Content-Type", "application/json"),
        ("Allow", legacy.ALLOWED_METHODS),
        ("X-Frame-Options", settings.X_FRAME_OPTIONS),
    ]
    if settings.SECURE_CONTENT_TYPE_NOSNIFF:
        headers.append(("X-Content-Type-Options", "nosniff"))
    if settings.SECURE_REFERRER_POLICY:
        policy = settings.SECURE_REFERRER_POLICY
        policy = policy if isinstance(policy, str) else ",".join(policy)
        headers.append(("Referrer-Policy", policy))
    if settings.SECURE_CROSS_ORIGIN_OPENER_POLICY:
        policy = settings.SECURE_CROSS_ORIGIN_OPENER_POLICY
        headers.append(("Cross-Origin-Opener-Policy", policy))
    if secure and settings.SECURE_HSTS_SECONDS:
        hsts = f"max-age={settings.SECURE_HSTS_SECONDS}"
        hsts += "; includeSubDomains" if settings.SECURE_HSTS_INCLUDE_SUBDOMAINS else ""
        hsts += "; preload" if settings.SECURE_HSTS_PRELOAD else ""
        headers.append(("Strict-Transport-Security", hsts))
    return headers


def lane_request(environ: dict) -> WSGIRequest | None:
    """The request, if it is the lane's: the plain anonymous GET /drug."""
    if environ.get("REQUEST_METHOD") != "GET" or "HTTP_AUTHORIZATION" in environ:
        return None
    if not settings.DRUGSITE_ALLOW_ANONYMOUS or environ.get("SCRIPT_NAME"):
        return None
    path = environ.get("PATH_INFO", "")
    if path != PATH and merge_slashes(path) != PATH:
        return None
    request = WSGIRequest(environ)
    try:
        request.get_host()
    except DisallowedHost:
        return None  # Django answers 400 and logs the attempt
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return None  # Django redirects
    return request


class LegacyLane:
    """WSGI middleware: the lane for the tutorial's call, Django for the rest."""

    def __init__(self, django_app) -> None:
        self.django_app = django_app

    def __call__(self, environ: dict, start_response):
        request = lane_request(environ)
        if request is None:
            return self.django_app(environ, start_response)
        started = time.perf_counter()
        signals.request_started.send(sender=self.__class__, environ=environ)
        try:
            status, headers, body = self.answer(request, started)
        finally:
            signals.request_finished.send(sender=self.__class__)
        if status is None:
            return self.django_app(environ, start_response)
        start_response(STATUS[status], headers)
        return [body]

    def answer(self, request: WSGIRequest, started: float):
        """Status, headers and body; (None, ...) when Django must answer."""
        try:
            record = legacy.record_of(request.GET)
        except (legacy.validation.RecordError, *LIMITS):
            return None, None, None  # the view records the rejection, answers 400
        if not anonymous_call_allowed(request, legacy.LegacyDrugApi.throttle_classes):
            return None, None, None  # the view answers 429
        request_id = request_id_new()
        correlation_id = correlation_id_of(request.META)
        origin = Origin.of(
            user=None,
            auth_method=AuthMethod.ANONYMOUS,
            request_id=request_id,
            correlation_id=correlation_id,
        )
        extra = [("Content-Length", "")]
        try:
            (row,) = prediction_create(
                records=[record], channel=Channel.LEGACY, origin=origin
            )
            status, body = 200, orjson.dumps({"recommended_drug": row.drug})
        except (ModelUnavailable, LogUnavailable) as exc:
            detail = str(unavailable(exc).detail)
            status, body = 503, orjson.dumps({"detail": detail})
            extra.append(("Retry-After", RETRY_AFTER_SECONDS))
        extra[0] = ("Content-Length", str(len(body)))
        headers = response_headers(request.is_secure()) + extra
        headers.append((HEADER, request_id))
        if correlation_id:
            headers.append((CORRELATION_HEADER, correlation_id))
        request_logged(
            request_id=request_id,
            correlation_id=correlation_id,
            method="GET",
            path=PATH,
            status=status,
            elapsed=time.perf_counter() - started,
        )
        return status, headers, body
