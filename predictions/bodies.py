"""Reading a request body within DATA_UPLOAD_MAX_MEMORY_SIZE, and refusing one.

A body over the limit is refused from its Content-Length (413) with only its
start read, for the log. The rest is then read and thrown away, a chunk at a time
and up to MAX_DISCARD bytes, so that the client, still sending, hears the 413
instead of a reset connection (the server may have told it to go on: ``100
Continue``). Memory stays a chunk, whatever the body's size.
"""

from django.conf import settings
from rest_framework import exceptions

from predictions.services import RAW_INPUT_LIMIT

CHUNK = 64 * 1024
MAX_DISCARD = 64 * 2**20  # beyond, the connection is closed on the sender


class BodyRejected(exceptions.ParseError):
    """A body refused before it was understood; ``body`` is its start, as text."""

    def __init__(self, detail: str, *, body: str, code: str = "parse_error"):
        super().__init__(detail, code)
        self.body = body[:RAW_INPUT_LIMIT]


class BodyTooLarge(BodyRejected):
    status_code = 413


def read_body(stream, request) -> bytes:
    """The body, or BodyTooLarge having kept no more than the limit."""
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    if limit is None:
        return stream.read()
    declared = declared_length(request)
    if declared <= limit:
        raw = stream.read(limit + 1)  # the stream stops at Content-Length
        if len(raw) <= limit:
            return raw
        start, size = raw[:RAW_INPUT_LIMIT], f"more than {limit}"
    else:  # refused unread: only its start is kept, for the log
        start, size = stream.read(RAW_INPUT_LIMIT), str(declared)
    discard_rest(stream, declared)
    raise BodyTooLarge(
        f"The body is {size} bytes; the API takes at most {limit} bytes "
        "(DATA_UPLOAD_MAX_MEMORY_SIZE): send a large batch in parts.",
        body=start.decode("utf-8", "replace"),
        code="too_large",
    )


def discard_rest(stream, declared: int) -> None:
    """Read what is left of a refused body and drop it, unless it is huge."""
    if declared <= MAX_DISCARD:
        while stream.read(CHUNK):
            pass


def declared_length(request) -> int:
    """The Content-Length the client declared, 0 when none or not a number."""
    length = request.META.get("CONTENT_LENGTH") if request is not None else None
    return int(length) if (length or "").isdigit() else 0
