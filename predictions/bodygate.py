"""At most a few large requests at once per worker process.

A worker serves several requests at once (drugsite.serve's threads) so that small
ones share their log commits. A 1,000-record batch is different: it holds tens of
megabytes while it is parsed, answered and rendered, and under the GIL running
several side by side is no faster than one after another. Requests whose body is
larger than ``DRUGSITE_LARGE_BODY_BYTES`` therefore wait for one of
``DRUGSITE_LARGE_REQUESTS_AT_ONCE`` places, which bounds a worker's memory
whatever the load. Once such a request's answer is closed, the cycles it left (a
DRF view, its request and response refer to each other) are collected at once.
"""

import gc
import threading

from django.conf import settings


class LargeBodyGate:
    """Middleware: large request bodies take turns, small ones pass straight on."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.places = threading.BoundedSemaphore(
            settings.DRUGSITE_LARGE_REQUESTS_AT_ONCE
        )
        self.threshold = settings.DRUGSITE_LARGE_BODY_BYTES

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django's own checks answer a bad length
        if length <= self.threshold:
            return self.get_response(request)
        with self.places:
            return self.get_response(request)


class CollectAfterLargeRequests:
    """WSGI middleware: once the response to a large request is closed, collect.

    A batch's view, request and response refer to each other (DRF keeps the view
    on both), so its parsed records, rows and rendered body outlive it until
    Python's next full collection, which runs only after dozens of batches: a
    worker under batch load held 60 MB of them. A full collection here costs a
    few milliseconds beside the batch's tens; small requests are left alone.
    """

    def __init__(self, app, large_body_bytes: int | None = None):
        self.app = app
        self.large = large_body_bytes or settings.DRUGSITE_LARGE_BODY_BYTES

    def __call__(self, environ, start_response):
        response = self.app(environ, start_response)
        try:
            large = int(environ.get("CONTENT_LENGTH") or 0) > self.large
        except ValueError:
            large = False
        return _CollectedOnClose(response) if large else response


class _CollectedOnClose:
    """A response iterable whose close() also collects the cycles left behind."""

    def __init__(self, response):
        self.response = response

    def __iter__(self):
        return iter(self.response)

    def close(self) -> None:
        try:
            if hasattr(self.response, "close"):
                self.response.close()
        finally:
            self.response = None  # no longer reachable from here
            gc.collect()
