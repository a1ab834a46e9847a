"""A worker's memory: what a large request leaves in reference cycles is collected
as soon as its response closes (predictions.bodygate), and a production worker answering
1,000-record batches on eight threads stays within its budget."""

import gc
import json
import re
import threading
import urllib.request
import weakref
from pathlib import Path

import pytest

from ml.reference import EXAMPLES
from predictions.bodygate import CollectAfterLargeRequests

LARGE = 100
PEAK_LIMIT_MB = 150


class CyclicBody(list):
    """A response in a reference cycle, as DRF's view, request and response are."""

    def __init__(self, closed: list):
        super().__init__([b"answer"])
        self.cycle, self.closed = self, closed

    def close(self) -> None:
        self.closed.append(True)


@pytest.fixture
def without_automatic_collection():
    """Only explicit collections run, so that a test sees which one freed what."""
    enabled = gc.isenabled()
    gc.disable()
    yield
    if enabled:
        gc.enable()


def serve(content_length: str) -> tuple[object, weakref.ref, list]:
    """Answer one request through the middleware: its response, a weak reference
    to the cyclic body behind it, and whether that body was closed."""
    closed: list = []
    body = CyclicBody(closed)
    app = CollectAfterLargeRequests(lambda environ, start: body, LARGE)
    response = app({"CONTENT_LENGTH": content_length}, None)
    return response, weakref.ref(body), closed


@pytest.mark.usefixtures("without_automatic_collection")
def test_a_large_requests_cycles_are_freed_when_its_response_closes():
    response, body, closed = serve(str(LARGE + 1))

    assert b"".join(response) == b"answer"
    assert body() is not None  # kept alive by its own cycle, as DRF's is
    response.close()

    assert closed == [True]
    assert body() is None


@pytest.mark.usefixtures("without_automatic_collection")
@pytest.mark.parametrize("content_length", [str(LARGE), "", "not a number"])
def test_a_small_request_gets_its_response_untouched(content_length):
    response, body, _ = serve(content_length)

    assert response is body()


def peak_mb(pid: str) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024


@pytest.mark.system
@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_a_worker_answering_batches_on_eight_threads_stays_within_budget(
    live_stack, database
):
    stack = live_stack(workers=1, database=database)
    token, _ = stack.user_with_token()
    body = json.dumps([EXAMPLES[0][0].as_fields()] * 1000).encode()
    failures: list = []

    def post_batches() -> None:
        for _ in range(4):
            request = urllib.request.Request(
                stack.url + "/api/v1/predictions/",
                data=body,
                headers={
                    "Authorization": f"Token {token}",
                    "Content-Type": "application/json",
                },
            )
            try:
                with urllib.request.urlopen(request, timeout=120) as response:
                    response.read()
            except OSError as exc:
                failures.append(exc)

    threads = [threading.Thread(target=post_batches) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert failures == []
    pid = stack.process.pid
    (worker,) = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    maps = Path(f"/proc/{worker}/maps").read_text()
    assert not re.search(r"/(sklearn|pandas|scipy)/", maps)
    assert peak_mb(worker) <= PEAK_LIMIT_MB
