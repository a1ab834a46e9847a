"""Request bodies read within the limit: a larger one is a 413 that costs a chunk
of memory, whatever its size, and the sender hears the answer."""

import tracemalloc

import pytest
from django.test import RequestFactory

from predictions.bodies import MAX_DISCARD, BodyTooLarge, read_body
from predictions.models import Outcome, Prediction
from predictions.services import RAW_INPUT_LIMIT

URL = "/api/v1/predictions/"


class Endless:
    """A client's body that is never held anywhere: bytes made as they are read."""

    def __init__(self) -> None:
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        size = 1 << 16 if size is None or size < 0 else min(size, 1 << 16)
        self.read_bytes += size
        return b" " * size

    readline = read


def request_of(body: bytes | Endless, length: int | None = None):
    """A real request whose stream is `body`, declaring `length` bytes."""
    data = body if isinstance(body, bytes) else b"x"
    extra = {} if isinstance(body, bytes) else {"wsgi.input": body}
    if length is not None:
        extra["CONTENT_LENGTH"] = str(length)
    return RequestFactory().post(URL, data, "application/json", **extra)


def test_a_body_at_the_limit_is_read_and_one_byte_more_is_413(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    request = request_of(b"[" + b" " * 998 + b"]")
    assert len(read_body(request, request)) == 1000
    request = request_of(b"[" + b" " * 999 + b"]")
    with pytest.raises(BodyTooLarge) as caught:
        read_body(request, request)
    assert caught.value.status_code == 413
    assert "1001 bytes" in str(caught.value.detail)
    assert "DATA_UPLOAD_MAX_MEMORY_SIZE" in str(caught.value.detail)


def test_a_huge_body_is_refused_having_read_only_its_start():
    body = Endless()
    request = request_of(body, MAX_DISCARD + 1)
    with pytest.raises(BodyTooLarge) as caught:
        read_body(request, request)
    assert body.read_bytes <= 1 << 16
    assert len(caught.value.body) == RAW_INPUT_LIMIT


def test_a_large_body_is_read_to_its_end_a_chunk_at_a_time_and_dropped():
    body = Endless()
    request = request_of(body, 16 * 2**20)
    tracemalloc.start()
    with pytest.raises(BodyTooLarge):
        read_body(request, request)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert body.read_bytes == 16 * 2**20  # all of it: the sender is not cut off
    assert peak < 512 * 1024


@pytest.mark.django_db
def test_a_100_mb_body_costs_kilobytes_to_refuse(user_client, active_model):
    user_client.get("/api/v1/model/")  # warm: the model and its first queries
    body = Endless()
    tracemalloc.start()
    response = user_client.post(
        URL,
        "x",
        content_type="application/json",
        **{"wsgi.input": body, "CONTENT_LENGTH": str(100 * 2**20)},
    )
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()

    assert response.status_code == 413
    assert body.read_bytes <= 1 << 16
    assert peak < 512 * 1024  # measured: about 90 kB; the body limit is 1 MB
    assert Prediction.objects.get().outcome == Outcome.REJECTED
