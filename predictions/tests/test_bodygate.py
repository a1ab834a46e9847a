"""Large request bodies take turns in a worker; small ones are not held up."""

import threading
import time

from django.test import RequestFactory

from predictions.bodygate import LargeBodyGate


def most_at_once(settings, body_bytes: int, requests: int = 6) -> int:
    """How many of `requests` concurrent requests were inside the view at once."""
    settings.DRUGSITE_LARGE_REQUESTS_AT_ONCE = 2
    settings.DRUGSITE_LARGE_BODY_BYTES = 1000
    inside, most, lock = 0, 0, threading.Lock()

    def view(request):
        nonlocal inside, most
        with lock:
            inside += 1
            most = max(most, inside)
        time.sleep(0.05)
        with lock:
            inside -= 1
        return "answered"

    gate = LargeBodyGate(view)
    request = RequestFactory().post(
        "/api/v1/predictions/", b"x" * body_bytes, content_type="application/json"
    )
    threads = [threading.Thread(target=gate, args=(request,)) for _ in range(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return most


def test_large_bodies_are_served_two_at_a_time(settings):
    assert most_at_once(settings, body_bytes=5000) == 2


def test_small_bodies_pass_straight_on(settings):
    assert most_at_once(settings, body_bytes=500) > 2
