"""The throttles' counters in the default cache, and what happens when it fails.

A cache that cannot be reached raises ``CacheUnavailable``; after a failure it is
left alone for ``RETRY_SECONDS``, so a Redis that hangs costs one socket timeout
per process in that time, not one per request (predictions.throttling).
"""

import logging
import sys
import time

from django.core.cache import cache
from django.core.signals import setting_changed

from predictions.metrics import THROTTLE_DEGRADED

logger = logging.getLogger("drugsite.ops")


def cache_errors() -> tuple[type[BaseException], ...]:
    """What a cache that cannot be reached raises: a socket timeout (OSError) and,
    once a Redis cache is in use, the client's errors (django-redis re-raises
    them). Importing redis costs a worker 6 MB: not without a Redis cache."""
    redis = sys.modules.get("redis.exceptions")
    return (OSError, redis.RedisError) if redis else (OSError,)


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
        return self.count_many([(key, timeout)])[0]

    def count_many(self, counters: list[tuple[str, float]]) -> list[int]:
        """``count`` of each (key, timeout); on Redis in one round trip (an INCR
        per key, pipelined; a counter the INCR made gets its expiry in a second
        one, once per window); in the embedded cache (predictions.localcache)
        under one lock.

        A counter's key names its window, so one left without an expiry (Redis
        failed between the two trips) is never counted again: it only waits for
        Redis to be emptied."""
        local = getattr(cache, "count_many", None)
        if local is not None:
            return local(counters)
        client = redis_client()
        if client is None:
            return [self.incremented(key, timeout) for key, timeout in counters]
        if outage.ongoing():
            raise CacheUnavailable
        keys = [cache.make_key(key) for key, _ in counters]
        try:
            counts = pipelined(client, [("INCR", key) for key in keys])
            made = [
                ("EXPIRE", key, int(timeout))
                for key, (_, timeout), count in zip(keys, counters, counts, strict=True)
                if count == 1
            ]
            if made:
                pipelined(client, made)
        except cache_errors() as exc:
            outage.begin(exc)
            raise CacheUnavailable from exc
        return counts

    def incremented(self, key: str, timeout: float) -> int:
        """One counter in any other cache, by its own ``incr`` and ``add``."""
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
        except cache_errors() as exc:
            outage.begin(exc)
            raise CacheUnavailable from exc


def pipelined(client, commands: list[tuple]) -> list:
    """The replies to `commands`, sent in one round trip."""
    pipeline = client.pipeline(transaction=False)
    for command in commands:
        pipeline.execute_command(*command)
    return pipeline.execute()


def redis_client():
    """The default cache's Redis client, or None when the cache is not Redis."""
    client = getattr(cache, "client", None)
    get_client = getattr(client, "get_client", None)
    return get_client(write=True) if get_client else None
