"""The embedded cache's throttle counters (predictions.localcache)."""

import os
import subprocess
import sys
import threading
import time

import pytest
from django.core.cache import cache, caches
from rest_framework.throttling import AnonRateThrottle

from drugsite.tests.live import BASE
from predictions.localcache import LocalCache

LEGACY = "/drug?Age=60&Sex=F&BP=LOW&Cholesterol=HIGH&Na_to_K=20"


def local(name: str, **options) -> LocalCache:
    """A fresh cache of its own name (counters are shared by name)."""
    made = LocalCache(name, {"OPTIONS": options})
    made.clear()
    return made


def test_without_redis_the_default_cache_is_the_local_cache():
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    shown = subprocess.run(
        [sys.executable, "-c", "from drugsite.settings import services as s; "
         "print(s.CACHES['default']['BACKEND'])"],
        cwd=BASE, env=env, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert shown.strip() == "predictions.localcache.LocalCache"


@pytest.fixture
def embedded(settings):
    """The default cache as it is without REDIS_URL (the CI's second run sets it)."""
    settings.CACHES = {"default": {"BACKEND": "predictions.localcache.LocalCache"}}
    assert isinstance(caches["default"], LocalCache)


def test_counters_start_at_one_and_count_each_key_on_its_own():
    counters = local("count")
    assert counters.count_many([("a", 60), ("b", 60)]) == [1, 1]
    assert counters.count_many([("a", 60), ("b", 60)]) == [2, 2]
    assert counters.count_many([("a", 60)]) == [3]
    assert counters.count_many([]) == []


def test_a_counter_starts_again_once_it_has_expired():
    counters = local("expiry")
    assert counters.count_many([("a", 0.05), ("b", 60)]) == [1, 1]
    time.sleep(0.1)
    assert counters.count_many([("a", 0.05), ("b", 60)]) == [1, 2]


def test_clear_forgets_the_counters_with_the_entries():
    counters = local("clear")
    counters.set("entry", "kept until cleared")
    counters.count_many([("a", 60), ("a", 60)])
    counters.clear()
    assert counters.get("entry") is None
    assert counters.count_many([("a", 60)]) == [1]


def test_instances_of_one_name_share_their_counters_as_their_entries():
    first, second = local("shared"), LocalCache("shared", {})
    first.count_many([("a", 60)])
    assert second.count_many([("a", 60)]) == [2]
    assert LocalCache("other", {}).count_many([("a", 60)]) == [1]


def test_expired_counters_go_first_when_the_cache_is_full():
    counters = local("full-expired", MAX_ENTRIES=10)
    counters.count_many([(f"old{i}", 0.05) for i in range(9)])
    counters.count_many([("live", 60), ("live", 60)])
    time.sleep(0.1)
    counters.count_many([(f"new{i}", 60) for i in range(5)])
    assert len(counters._counts) == 6  # the expired nine went, not "live"
    assert counters.count_many([("live", 60)]) == [3]


def test_when_every_counter_is_live_the_oldest_half_goes():
    counters = local("full-live", MAX_ENTRIES=10)
    counters.count_many([(f"k{i}", 60) for i in range(10)])
    counters.count_many([("k9", 60)])  # counted, not a new counter: nothing goes
    assert len(counters._counts) == 10
    counters.count_many([("new", 60)])
    assert len(counters._counts) <= 10
    assert "k0" not in counters._counts
    assert "new" in counters._counts
    assert counters.count_many([("k9", 60)]) == [3]  # the newest stay counted


def test_no_count_is_lost_between_threads():
    counters = local("threads")
    start = threading.Barrier(8)

    def count() -> None:
        start.wait()
        for _ in range(2000):
            counters.count_many([("a", 60), ("b", 60)])

    threads = [threading.Thread(target=count) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert counters.count_many([("a", 60), ("b", 60)]) == [16001, 16001]


@pytest.mark.django_db
def test_the_throttle_counts_in_the_embedded_cache(
    client, active_model, settings, monkeypatch, embedded
):
    settings.DRUGSITE_ALLOW_ANONYMOUS = True
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    cache.clear()
    codes = [client.get(LEGACY).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    (key,) = [key for key in cache._counts if key.startswith("throttle_anon_")]
    assert cache._counts[key][1] == 4  # the refused call was counted too
    cache.clear()  # as the tests' fixtures and an operator's reset do
    assert client.get(LEGACY).status_code == 200
