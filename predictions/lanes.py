"""The lane's routes (predictions.lane): the tutorial's GET and the API's POST.

Each takes the request only in the case it answers as its Django view would;
``HandOver`` gives anything else to the view, before anything is written.
"""

from __future__ import annotations

import io
from urllib.parse import parse_qsl

import orjson
from django.conf import settings
from django.db import DatabaseError
from rest_framework import exceptions

from ml.validation import RecordError
from predictions import apis, legacy
from predictions.authentication import token_authentication
from predictions.lane import Call, HandOver
from predictions.limits import LIMITS
from predictions.models import AuthMethod, Channel
from predictions.output_request import request_answers
from predictions.parsers import SafeJSONParser
from predictions.roles import PREDICT
from predictions.serializers import validate_patients
from predictions.services import prediction_create
from predictions.throttling import call_allowed

JSON = "application/json"
#: What a client may accept for the views' JSON to be the negotiated answer.
ACCEPTS_JSON = frozenset(("", "*/*", JSON))


class LegacyRoute:
    """``GET /drug`` with no credentials, where anonymous use is on."""

    view = legacy.LegacyDrugApi

    def wanted(self, environ: dict) -> bool:
        return "HTTP_AUTHORIZATION" not in environ and settings.DRUGSITE_ALLOW_ANONYMOUS

    def headers(self) -> list[tuple[str, str]]:
        return [("Allow", legacy.ALLOWED_METHODS)]

    def answer(self, call: Call) -> tuple[int, bytes]:
        try:
            record = legacy.record_of(query_parameters(call.request))
        except (RecordError, *LIMITS):
            raise HandOver from None  # the view records the rejection: a 400
        if not call_allowed(call.request, None, self.view.throttle_classes):
            raise HandOver  # the view answers 429
        (row,) = prediction_create(
            records=[record],
            channel=Channel.LEGACY,
            origin=call.origin(AuthMethod.ANONYMOUS),
        )
        return 200, orjson.dumps({"recommended_drug": row.drug})


def query_parameters(request) -> dict | object:
    """The query's parameters, the last value of each as ``request.GET.get``
    gives it; a short ASCII query (the tutorial's) read without a QueryDict."""
    query = request.META.get("QUERY_STRING", "")
    if len(query) > 256 or not query.isascii():
        return request.GET  # Django's limits and decoding
    return dict(parse_qsl(query, keep_blank_values=True))


class PredictionRoute:
    """``POST /api/v1/predictions/`` with a token and a small UTF-8 JSON body.

    Large bodies take the view's path, where they take turns (bodygate)."""

    view = apis.PredictionListCreateApi

    def wanted(self, environ: dict) -> bool:
        scheme = environ.get("HTTP_AUTHORIZATION", "").partition(" ")[0]
        media, _, params = environ.get("CONTENT_TYPE", "").partition(";")
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return False
        most = min(
            settings.DRUGSITE_LARGE_BODY_BYTES, settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        )
        return (
            scheme.lower() == "token"
            and media.strip().lower() == JSON
            and params.replace(" ", "").lower() in ("", "charset=utf-8")
            and 0 < length <= most
            and environ.get("HTTP_ACCEPT", "") in ACCEPTS_JSON
        )

    def headers(self) -> list[tuple[str, str]]:
        headers = [("Allow", "GET, POST, HEAD, OPTIONS")]
        if len(self.view.renderer_classes) > 1:  # as DRF says for the view
            headers.append(("Vary", "Accept"))
        return headers

    def answer(self, call: Call) -> tuple[int, bytes]:
        request = call.request
        environ = request.environ
        raw = environ["wsgi.input"].read(int(environ["CONTENT_LENGTH"]))
        environ["wsgi.input"] = io.BytesIO(raw)  # the view reads it, if handed over
        authentication = token_authentication()()
        # No health check of the connection first (a round trip on PostgreSQL):
        # if the read fails, the view reads again, checked (or answers 503).
        authentication.connection_checked = False
        try:
            found = authentication.authenticate(request)
        except (exceptions.AuthenticationFailed, DatabaseError):
            raise HandOver from None  # the view answers 401, or 503
        if found is None or not found[0].has_perm(PREDICT):
            raise HandOver  # the view answers 401 or 403
        call.user = user = found[0]
        try:
            data = SafeJSONParser().parse(
                io.BytesIO(raw), JSON, {"request": request, "encoding": "utf-8"}
            )
            records, many = validate_patients(data)
        except exceptions.APIException:
            raise HandOver from None  # the view records the rejection: a 400
        if not call_allowed(request, user, self.view.throttle_classes):
            raise HandOver  # the view answers 429
        rows = prediction_create(
            records=records, channel=Channel.API, origin=call.origin(AuthMethod.TOKEN)
        )
        answers = request_answers(rows)
        renderer = self.view.renderer_classes[0]()
        return 201, renderer.render(answers if many else answers[0], JSON, {})


ROUTES = {
    ("GET", "/drug"): LegacyRoute(),
    ("POST", "/api/v1/predictions/"): PredictionRoute(),
}
