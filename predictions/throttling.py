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

import logging
import time

from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.core.signals import setting_changed
from redis.exceptions import RedisError
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from predictions.clients import client_address
from predictions.metrics import THROTTLE_DEGRADED

logger = logging.getLogger("drugsite.ops")

#: What a cache that cannot be reached raises (django-redis re-raises its
#: client's errors; a socket timeout is an OSError).
CACHE_ERRORS = (RedisError, OSError)
RETRY_SECONDS = 5.0
LOG_INTERVAL_SECONDS = 60.0


class CacheUnavailable(Exception):
    """The throttle's cache failed just now, or recently enough to be left alone."""


class Outage:
    """This process's view of the cache: when it last failed, what was logged."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        self.failed_at = self.logged_at = float("-inf")
        self.error, self.unlogged = "", 0

    def ongoing(self) -> bool:
        return time.monotonic() - self.failed_at < RETRY_SECONDS

    def begin(self, exc: Exception) -> None:
        self.failed_at, self.error = time.monotonic(), f"{type(exc).__name__}: {exc}"

    def let_through(self, scope: str) -> None:
        """Count one request let through unthrottled; warn now and then."""
        THROTTLE_DEGRADED.labels(scope).inc()
        self.unlogged += 1
        now = time.monotonic()
        if now - self.logged_at >= LOG_INTERVAL_SECONDS:
            logger.warning(
                "throttling degraded: the cache cannot be reached (%s); %d "
                "request(s) let through unthrottled since the last warning",
                self.error,
                self.unlogged,
            )
            self.logged_at, self.unlogged = now, 0


outage = Outage()


def forget_outage(*, setting: str, **kwargs) -> None:
    """A new cache (tests change CACHES) starts with no known outage."""
    if setting == "CACHES":
        outage.reset()


setting_changed.connect(forget_outage)


class GuardedCache:
    """The default cache for throttle counters; CacheUnavailable when it fails."""

    def count(self, key: str, timeout: float) -> int:
        """Add one to the counter `key` (made, expiring, on first use); its value."""
        try:
            return self.call("incr", key)
        except ValueError:  # no such counter yet
            if self.call("add", key, 1, timeout):
                return 1
            return self.call("incr", key)  # another request made it meanwhile

    def call(self, method: str, *args):
        if outage.ongoing():
            raise CacheUnavailable
        try:
            return getattr(cache, method)(*args)
        except CACHE_ERRORS as exc:
            outage.begin(exc)
            raise CacheUnavailable from exc


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

    def allow_request(self, request, view) -> bool:
        if self.rate is None:
            return True
        key = self.get_cache_key(request, view)
        if key is None:
            return True
        self.now = self.timer()
        window = int(self.now // self.duration)
        self.window_end = (window + 1) * self.duration
        try:
            count = self.cache.count(f"{key}:{window}", self.duration + 1)
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
    refuses)."""
    caller = Caller(request, user)
    return all(
        [throttle().allow_request(caller, None) for throttle in throttle_classes]
    )
