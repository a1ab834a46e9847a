"""Django's own request limits, answered in JSON where drugsite speaks JSON.

Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE (RequestDataTooBig) and
more parameters than DATA_UPLOAD_MAX_NUMBER_FIELDS (TooManyFieldsSent) with an
HTML 400 page. On the API's paths (``predictions.paths.wants_json``) they become a
JSON 413 / 400 naming the limit, with a rejected row in the audit log like any
bad input. The API's POST refuses a large body itself (``predictions.parsers``);
this catches every other reader, such as ``GET /drug`` with 1,001 parameters.
"""

from django.conf import settings
from django.core.exceptions import (
    RequestDataTooBig,
    TooManyFieldsSent,
    TooManyFilesSent,
)
from django.http import HttpRequest, JsonResponse

from predictions.bodies import declared_length, discard_rest
from predictions.errors import RETRY_AFTER_SECONDS
from predictions.middleware import ExceptionMiddleware
from predictions.models import Channel
from predictions.origin import origin_of
from predictions.paths import wants_json
from predictions.services import RAW_INPUT_LIMIT, LogUnavailable, prediction_reject

LIMITS = (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)


def refusal(exception: Exception) -> tuple[int, str, str]:
    """The status, code and message for one of Django's limits."""
    if isinstance(exception, RequestDataTooBig):
        return (
            413,
            "too_large",
            f"The body is larger than {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes, "
            "the most the API reads (DATA_UPLOAD_MAX_MEMORY_SIZE): send a large "
            "batch in parts.",
        )
    if isinstance(exception, TooManyFieldsSent):
        return (
            400,
            "too_many_fields",
            f"The request has more than {settings.DATA_UPLOAD_MAX_NUMBER_FIELDS} "
            "parameters (DATA_UPLOAD_MAX_NUMBER_FIELDS).",
        )
    limit = settings.DATA_UPLOAD_MAX_NUMBER_FILES
    return 400, "too_many_files", f"The request has more than {limit} files."


def sent_start(request: HttpRequest) -> str:
    """The start of what was sent, for the log: the body, else the query string.
    The rest of the body is read and dropped, so that the sender hears the answer."""
    try:
        body = request.read(RAW_INPUT_LIMIT)
        discard_rest(request, declared_length(request))
    except OSError:
        body = b""
    query = request.META.get("QUERY_STRING", "")
    return body.decode("utf-8", "replace") or query[:RAW_INPUT_LIMIT]


class RequestLimitsMiddleware(ExceptionMiddleware):
    """A request over one of Django's limits, on a JSON path: JSON and a row."""

    def process_exception(self, request, exception):
        if not isinstance(exception, LIMITS) or not wants_json(request.path):
            return None
        status, code, message = refusal(exception)
        api = request.path.startswith("/api/")
        try:
            prediction_reject(
                data=sent_start(request),
                errors={"message": message, "code": code},
                channel=Channel.API if api else Channel.LEGACY,
                origin=origin_of(request),
            )
        except LogUnavailable as exc:
            response = JsonResponse({"detail": str(exc)}, status=503)
            response["Retry-After"] = RETRY_AFTER_SECONDS
            return response
        return JsonResponse({"detail": message}, status=status)
