"""How failures reach callers: the API's exception handler and its 503 type.

As in HackSoft's ``api/exception_handlers.py``: the ml and log errors become a
DRF ``APIException`` with status 503 and a message fit for the caller; rejected
input is recorded before DRF answers its 400.
"""

from __future__ import annotations

import logging
from typing import NoReturn

from django.conf import settings
from django.db import InterfaceError, OperationalError
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from ml import ModelUnavailable
from predictions import metrics
from predictions.models import Channel
from predictions.origin import origin_of
from predictions.services import LogUnavailable, prediction_reject

logger = logging.getLogger("drugsite.ops")
RETRY_AFTER_SECONDS = "5"


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The prediction service is unavailable."
    default_code = "service_unavailable"


def exception_handler(exc, context):
    """Map the ml and log errors to 503 with their message; add Retry-After."""
    if isinstance(exc, OperationalError | InterfaceError):
        return None  # DatabaseUnavailableMiddleware answers 503 for every view
    if isinstance(exc, ModelUnavailable | LogUnavailable):
        exc = unavailable(exc)
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == 503:
        response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


def unavailable(exc: ModelUnavailable | LogUnavailable) -> ServiceUnavailable:
    """The 503 that a model or log failure is answered with, counted."""
    metrics.inc(metrics.UNAVAILABLE, type(exc).__name__)
    code = (
        "model_unavailable" if isinstance(exc, ModelUnavailable) else "log_unavailable"
    )
    return ServiceUnavailable(detail=public_message(exc), code=code)


def public_message(exc: Exception) -> str:
    """What a caller is told: the full message in development; in production the
    fix is the operators' (it is logged), the caller learns what and when."""
    if settings.DEBUG or isinstance(exc, LogUnavailable):
        return str(exc)
    logger.error("model unavailable: %s", exc)
    return (
        "No usable model is available right now, so nothing was predicted. The "
        "operators have the details in the server log; try again shortly."
    )


def reject(
    request, channel: Channel, data: object, exc: exceptions.APIException
) -> NoReturn:
    """Record a rejected request, then raise `exc` for DRF to answer its 400."""
    prediction_reject(
        data=data,
        errors=exc.get_full_details(),
        channel=channel,
        origin=origin_of(request),
    )
    raise exc
