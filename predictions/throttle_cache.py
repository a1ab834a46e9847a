"""The throttles' counters in the default cache, and what happens when it fails.

A cache that cannot be reached raises ``CacheUnavailable``; after a failure it is
left alone for ``RETRY_SECONDS``, so a Redis that hangs costs one socket timeout
per process in that time, not one per request (predictions.throttling).

A caller far from its limit is counted in Redis a block of calls at a time
(``Blocks``): one round trip per block, not per call.
"""

import logging
import sys
import threading
import time

from django.conf import settings
from django.core.cache import cache
from django.core.signals import setting_changed

from predictions import metrics

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
        metrics.inc(metrics.THROTTLE_DEGRADED, scope)
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

#: A block is at most DRUGSITE_THROTTLE_BLOCK calls, and at most this share of
#: what the last count left under the limit: the first call of a window, and
#: every call near the limit, is counted on its own.
BLOCK_SHARE = 16
BLOCKS_KEPT = 4096  # counters whose blocks a process keeps, before ended ones go


class Blocks:
    """Calls counted in Redis ahead of time by this process, a block at a time.

    ``INCRBY n`` on a window's counter reserves the n numbers up to the value it
    gives back; this process's next calls counted by that counter take them in
    turn, with no round trip. A call is let through when its number is within the
    limit, as when each call made its own INCR, so no more calls pass in a window
    than the limit, whichever worker or host served them. Numbers a process
    reserved but had no call for before the window ended make the callers served
    elsewhere meet the limit that many calls early: a block is small next to what
    is left under the limit (``BLOCK_SHARE``), a single number near it. A block
    serves the limit it was reserved under only (its key is the counter's and
    the limit's): numbers reserved far from one limit are no use under another.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        # (counter, limit): [next, last, count seen, ends]
        self._blocks: dict[tuple[str, int], list] = {}

    def take(self, key: tuple[str, int]) -> int | None:
        """The next number reserved for `key`, if any is left."""
        with self._lock:
            block = self._blocks.get(key)
            if block is None or block[0] > block[1]:
                return None
            block[0] += 1
            return block[0] - 1

    def size(self, key: tuple[str, int]) -> int:
        """How many numbers to reserve: one while nothing is known of the
        counter's window, else a share of what its last count left."""
        block = self._blocks.get(key)
        if block is None:
            return 1
        most = settings.DRUGSITE_THROTTLE_BLOCK
        return max(1, min(most, (key[1] - block[2]) // BLOCK_SHARE))

    def keep(self, key: tuple[str, int], count: int, size: int, timeout: float) -> int:
        """Keep the block ``INCRBY size`` reserved when it gave `count`; the
        first of its numbers, the call's own."""
        now = time.monotonic()
        with self._lock:
            if key not in self._blocks and len(self._blocks) >= BLOCKS_KEPT:
                self._forget(now)
            self._blocks[key] = [count - size + 2, count, count, now + timeout]
        return count - size + 1

    def _forget(self, now: float) -> None:
        """Drop the blocks of ended windows; all of them if none has ended (their
        unused numbers only bring their callers' limits a few calls closer)."""
        ended = [key for key, block in self._blocks.items() if block[3] <= now]
        for key in ended or list(self._blocks):
            del self._blocks[key]

    def clear(self) -> None:
        with self._lock:
            self._blocks.clear()


blocks = Blocks()


def forget_outage(*, setting: str, **kwargs) -> None:
    """A new cache (tests change CACHES) starts with no known outage, and no
    numbers reserved in the old one."""
    if setting == "CACHES":
        outage.reset()
        blocks.clear()


setting_changed.connect(forget_outage)


class GuardedCache:
    """The default cache for throttle counters; CacheUnavailable when it fails."""

    def count(self, key: str, timeout: float) -> int:
        """Add one to the counter `key` (made, expiring, on first use); its value."""
        return self.count_many([(key, timeout)])[0]

    def count_many(
        self, counters: list[tuple[str, float]], limits: list | None = None
    ) -> list[int]:
        """``count`` of each (key, timeout); on Redis in one round trip (an INCR
        per key, pipelined; a counter the INCR made gets its expiry in a second
        one, once per window); in the embedded cache (predictions.localcache)
        under one lock.

        With `limits` (each counter's, or None), a call far from its limit is
        given a number of a block reserved by an earlier one (``Blocks``), and
        when none is left, reserves the next block by INCRBY.

        A counter's key names its window, so one left without an expiry (Redis
        failed between the two trips) is never counted again: it only waits for
        Redis to be emptied."""
        local = getattr(cache, "count_many", None)
        if local is not None:
            return local(counters)
        client = redis_client()
        if client is None:
            return [self.incremented(key, timeout) for key, timeout in counters]
        limits = limits or [None] * len(counters)
        found = [
            blocks.take((key, limit)) if limit else None
            for (key, _), limit in zip(counters, limits, strict=True)
        ]
        wanted = [i for i, number in enumerate(found) if number is None]
        if not wanted:
            return found
        if outage.ongoing():
            raise CacheUnavailable
        sizes = [
            blocks.size((counters[i][0], limits[i])) if limits[i] else 1 for i in wanted
        ]
        keys = [cache.make_key(counters[i][0]) for i in wanted]
        try:
            counts = pipelined(
                client,
                [
                    ("INCRBY", key, size) if size > 1 else ("INCR", key)
                    for key, size in zip(keys, sizes, strict=True)
                ],
            )
            made = [
                ("EXPIRE", key, int(counters[i][1]))
                for i, key, size, count in zip(wanted, keys, sizes, counts, strict=True)
                if count == size  # the counter was made by this call
            ]
            if made:
                pipelined(client, made)
        except cache_errors() as exc:
            outage.begin(exc)
            raise CacheUnavailable from exc
        for i, size, count in zip(wanted, sizes, counts, strict=True):
            key, timeout = counters[i]
            if limits[i]:
                found[i] = blocks.keep((key, limits[i]), count, size, timeout)
            else:
                found[i] = count
        return found

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
