"""DRF's rate throttles, failing open when the cache cannot be reached.

The counters live in the default cache (Redis when REDIS_URL is set). A Redis
that is down must not take predictions down with it: a throttle that cannot read
or write its counter lets the request through, counts it
(``drugsite_throttle_degraded_total``) and says so in a WARNING at most once a
minute per process. After a failure the cache is left alone for
``RETRY_SECONDS``, so a Redis that hangs costs one socket timeout per process in
that time, not one per request. The client's address comes from
``predictions.clients``, so ``X-Forwarded-For`` counts only behind trusted proxies.
"""

from django.contrib.auth.models import AnonymousUser
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from predictions.clients import client_address
from predictions.throttle_cache import (
    CacheUnavailable,
    GuardedCache,
    cache_errors,
    outage,
)

__all__ = ["AnonThrottle", "UserThrottle", "cache_errors", "call_allowed"]


class DegradingThrottle:
    """Mixed into DRF's rate throttles: the client address, a counter per window,
    and fail open.

    DRF keeps each client's request times of the last period in one cache value,
    read and written whole on every request: at 6,000/min that is a list of up to
    6,000 times per call. Here each client has a counter per fixed window of the
    rate's period (one INCR), so a client may at most double its rate across a
    window's edge.
    """

    cache = GuardedCache()

    def get_ident(self, request) -> str:
        return client_address(request) or ""

    def counter(self, request, view) -> str | None:
        """The key of this call's counter, its window's; None: not counted."""
        if self.rate is None:
            return None
        key = self.get_cache_key(request, view)
        if key is None:
            return None
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_end = (window + 1) * self.duration
        return f"{key}:{window}"

    def allow_request(self, request, view) -> bool:
        key = self.counter(request, view)
        if key is None:
            return True
        try:
            count = self.cache.count(key, self.duration + 1)
        except CacheUnavailable:
            outage.let_through(self.scope)
            return True
        return count <= self.num_requests

    def wait(self) -> float:
        """Seconds until the window ends and the counter starts again."""
        return max(self.window_end - self.now, 0.0)


class AnonThrottle(DegradingThrottle, AnonRateThrottle):
    """Anonymous callers, per client address (DRUGSITE_THROTTLE_ANON)."""


class UserThrottle(DegradingThrottle, UserRateThrottle):
    """Signed-in callers per account, others per address (DRUGSITE_THROTTLE_USER)."""


class Caller:
    """What DRF's throttles read of a request: its META, and who is calling."""

    __slots__ = ("META", "user")

    def __init__(self, request, user) -> None:
        self.META, self.user = request.META, user or AnonymousUser()


def call_allowed(request, user, throttle_classes) -> bool:
    """Whether these throttles let `user`'s call (None: anonymous) through, each
    counting it, as a DRF view checks them (every throttle, even after one
    refuses); their counters in one round trip where they are all this module's,
    and in none while this process holds numbers reserved for them
    (predictions.throttle_cache.Blocks)."""
    caller = Caller(request, user)
    throttles = [throttle() for throttle in throttle_classes]
    if not all(isinstance(t, DegradingThrottle) for t in throttles):
        return all([t.allow_request(caller, None) for t in throttles])
    keyed = [(t, t.counter(caller, None)) for t in throttles]
    keyed = [(t, key) for t, key in keyed if key is not None]
    if not keyed:
        return True
    try:
        counts = DegradingThrottle.cache.count_many(
            [(key, t.duration + 1) for t, key in keyed],
            [t.num_requests for t, _ in keyed],
        )
    except CacheUnavailable:
        for throttle, _ in keyed:
            outage.let_through(throttle.scope)
        return True
    return all(n <= t.num_requests for (t, _), n in zip(keyed, counts, strict=True))
