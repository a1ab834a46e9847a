"""The embedded default cache: Django's local-memory cache, with the throttles'
counters kept as plain integers beside it.

Every answer counts two throttle counters (predictions.throttling). Through
``LocMemCache.incr`` each count validates its key character by character and
unpickles and pickles an integer, twice when the counter is new: about a tenth
of an answer's time on SQLite. ``count_many`` here counts them all under the
cache's lock in a dict of ``key: [expires, count]``.

Like the rest of the cache, the counters are this process's own and go with
``clear()``. Expired counters are dropped once the dict reaches the cache's
``MAX_ENTRIES``; if that many are still live, the oldest half goes, as
``LocMemCache`` culls (a forgotten counter lets its caller start again).
"""

from __future__ import annotations

import time

from django.core.cache.backends.locmem import LocMemCache

#: Each named cache's counters, shared by its instances as LocMemCache shares
#: its entries (one instance per thread).
_counters: dict[str, dict[str, list]] = {}


class LocalCache(LocMemCache):
    """``LocMemCache`` with ``count_many`` for the throttles' counters."""

    def __init__(self, name, params) -> None:
        super().__init__(name, params)
        self._counts = _counters.setdefault(name, {})

    def count_many(self, counters: list[tuple[str, float]]) -> list[int]:
        """Add one to each counter (made, expiring `timeout` seconds later, on
        first use) and give their values, in order."""
        now = time.monotonic()
        counts = self._counts
        values = []
        with self._lock:
            for key, timeout in counters:
                entry = counts.get(key)
                if entry is None or entry[0] <= now:
                    if len(counts) >= self._max_entries:
                        self._forget(now)
                    entry = counts[key] = [now + timeout, 0]
                entry[1] += 1
                values.append(entry[1])
        return values

    def _forget(self, now: float) -> None:
        """Drop expired counters; the oldest half if none has expired."""
        counts = self._counts
        for key in [key for key, (expires, _) in counts.items() if expires <= now]:
            del counts[key]
        if len(counts) >= self._max_entries:
            for key in list(counts)[: len(counts) // 2 + 1]:
                del counts[key]

    def clear(self) -> None:
        super().clear()
        with self._lock:
            self._counts.clear()
