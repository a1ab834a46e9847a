"""At most a few large requests at once per worker process.

A worker serves several requests at once (drugsite.serve's threads) so that small
ones share their log commits. A 1,000-record batch is different: it holds tens of
megabytes while it is parsed, answered and rendered, and under the GIL running
several side by side is no faster than one after another. Requests whose body is
larger than ``DRUGSITE_LARGE_BODY_BYTES`` therefore wait for one of
``DRUGSITE_LARGE_REQUESTS_AT_ONCE`` places, which bounds a worker's memory
whatever the load.
"""

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
