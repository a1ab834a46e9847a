"""The two calls programs make most, answered at the WSGI layer.

Django's request cycle (fourteen middleware, URL resolution, DRF's dispatch) costs
more than predicting and logging an answer. The lane answers the tutorial's plain
anonymous ``GET /drug?Age=..`` and a token's ``POST /api/v1/predictions/`` of a
small JSON body with what Django's views answer them with (status, headers, body,
the log rows, the request and prediction lines, the metrics; predictions.lanes
has the routes), and hands every other request to Django unchanged: a parameter
or body that is not valid, a bad token or one without the permission, a host not
allowed, plain HTTP where HTTPS is required, a throttled caller. A model or log
failure is answered here as the views answer it (a JSON 503), so that no request
is predicted and written twice. ``predictions/tests/test_lane*.py`` hold the lane
to the views' answers.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import orjson
from django.conf import settings
from django.core import signals
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest

from ml import ModelUnavailable
from predictions.errors import RETRY_AFTER_SECONDS, unavailable
from predictions.middleware import (
    CORRELATION_HEADER,
    DATABASE_DOWN,
    DATABASE_DOWN_ERRORS,
    HEADER,
    correlation_id_of,
    database_down,
    request_id_new,
    request_logged,
)
from predictions.origin import Origin
from predictions.paths import merge_slashes
from predictions.services import LogUnavailable

STATUS = {200: "200 OK", 201: "201 Created", 503: "503 Service Unavailable"}


class HandOver(Exception):
    """The request is not the lane's: Django answers it."""


@dataclass
class Call:
    """A request the lane serves: Django's request object, its ids, the caller."""

    request: WSGIRequest
    path: str
    started: float = field(default_factory=time.perf_counter)
    request_id: str = field(default_factory=request_id_new)
    correlation_id: str = ""
    user: object | None = None

    def origin(self, auth_method) -> Origin:
        return Origin.of(
            user=self.user,
            auth_method=auth_method,
            request_id=self.request_id,
            correlation_id=self.correlation_id,
        )


def security_headers(secure: bool) -> list[tuple[str, str]]:
    """The headers Django's security and clickjacking middleware add."""
    headers = [("X-Frame-Options", settings.X_FRAME_OPTIONS)]
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


def served_request(environ: dict) -> WSGIRequest | None:
    """Django's request object, unless Django must answer: a host not allowed
    (400), plain HTTP where HTTPS is required (a redirect), a script prefix."""
    if environ.get("SCRIPT_NAME"):
        return None
    request = WSGIRequest(environ)
    try:
        request.get_host()
    except DisallowedHost:
        return None
    if settings.SECURE_SSL_REDIRECT and not request.is_secure():
        return None
    return request


class Lane:
    """WSGI middleware: routes keyed by (method, path) in front of Django."""

    def __init__(self, django_app, routes: dict) -> None:
        self.django_app = django_app
        self.routes = routes

    def __call__(self, environ: dict, start_response):
        if not settings.DRUGSITE_LANE:
            return self.django_app(environ, start_response)
        path = environ.get("PATH_INFO", "")
        key = (environ.get("REQUEST_METHOD"), path)
        route = self.routes.get(key)
        if route is None and "//" in path:
            key = (key[0], merge_slashes(path))
            route = self.routes.get(key)
        request = route and route.wanted(environ) and served_request(environ)
        if not request:
            return self.django_app(environ, start_response)
        signals.request_started.send(sender=self.__class__, environ=environ)
        call = Call(request, key[1], correlation_id=correlation_id_of(environ))
        try:
            answer = self.answer(route, call)
        finally:
            signals.request_finished.send(sender=self.__class__)
        if answer is None:
            return self.django_app(environ, start_response)
        status, headers, body = answer
        start_response(STATUS[status], headers)
        return [body]

    def answer(self, route, call: Call):
        """Status, headers and body of the route's answer; None to hand over."""
        route_headers = route.headers()
        try:
            status, body = route.answer(call)
        except HandOver:
            return None
        except (ModelUnavailable, LogUnavailable) as exc:
            detail = str(unavailable(exc).detail)
            status, body = 503, orjson.dumps({"detail": detail})
        except DATABASE_DOWN_ERRORS as exc:  # as DatabaseUnavailableMiddleware
            database_down(exc, call.request_id)
            status, body = 503, orjson.dumps({"detail": DATABASE_DOWN})
            route_headers = []  # its answer is not the view's
        headers = [("Content-Type", "application/json"), *route_headers]
        headers += security_headers(call.request.is_secure())
        headers.append(("Content-Length", str(len(body))))
        if status == 503:
            headers.append(("Retry-After", RETRY_AFTER_SECONDS))
        headers.append((HEADER, call.request_id))
        if call.correlation_id:
            headers.append((CORRELATION_HEADER, call.correlation_id))
        request_logged(
            request_id=call.request_id,
            correlation_id=call.correlation_id,
            method=call.request.method,
            path=call.path,
            status=status,
            elapsed=time.perf_counter() - call.started,
            meta=call.request.META,
            user=call.user,
        )
        return status, headers, body
