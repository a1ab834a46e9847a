"""Throttling counts in the shared cache (real Redis here) and answers 429."""

import time

import pytest
import redis
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from predictions import throttle_cache, throttling
from predictions.models import Outcome, Prediction

pytestmark = pytest.mark.django_db

REDIS = "redis://127.0.0.1:6379/4"
LEGACY = "/drug?Age=60&Sex=F&BP=LOW&Cholesterol=HIGH&Na_to_K=20"


@pytest.fixture
def redis_cache(settings):
    """The default cache on a real Redis database, emptied before and after."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS,
            "KEY_PREFIX": "throttle-test",
        }
    }
    server = redis.Redis.from_url(REDIS)
    server.flushdb()
    yield server
    server.flushdb()


@pytest.fixture
def tight_limits(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/min"})
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/min"})


def test_anonymous_callers_get_429_with_retry_after_past_the_limit(
    client, active_model, settings, redis_cache, tight_limits
):
    settings.DRUGSITE_ALLOW_ANONYMOUS = True
    codes = [client.get(LEGACY).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    refused = client.get(LEGACY)
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0
    assert "throttled" in refused.json()["detail"].lower()


def test_throttle_counters_live_in_redis_so_every_worker_shares_them(
    client, active_model, settings, redis_cache, tight_limits
):
    settings.DRUGSITE_ALLOW_ANONYMOUS = True
    for _ in range(3):
        client.get(LEGACY)
    (key,) = redis_cache.keys("*throttle_anon*")
    assert int(redis_cache.get(key)) == 3  # one counter for the window, in Redis
    assert 0 < redis_cache.ttl(key) <= 61  # gone once its window is over
    assert client.get(LEGACY).status_code == 429
    # Nothing is kept in this process: empty Redis and the caller may go on.
    redis_cache.delete(*redis_cache.keys("*throttle_*"))
    assert client.get(LEGACY).status_code == 200


def test_any_other_cache_counts_by_its_own_incr_and_add(
    client, active_model, settings, tight_limits
):
    settings.DRUGSITE_ALLOW_ANONYMOUS = True
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    }
    codes = [client.get(LEGACY).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    assert all(lane_call_allowed() is False for _ in range(2))  # same counters


def test_users_are_throttled_per_account(
    user_client, active_model, redis_cache, tight_limits
):
    codes = [user_client.get(LEGACY).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]


# Redis down: throttling fails open, counted and logged; predictions go on.

CLOSED = "redis://127.0.0.1:1/0"  # nothing listens on port 1
API = "/api/v1/predictions/"
PATIENT = {"age": 47, "sex": "F", "bp": "HIGH", "cholesterol": "HIGH", "na_to_k": 14}


def cache_at(settings, url: str) -> None:
    """The default cache on Redis at `url`, configured as production is."""
    settings.REDIS_URL = url
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": "throttle-test",
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": settings.REDIS_TIMEOUT_SECONDS,
                "SOCKET_TIMEOUT": settings.REDIS_TIMEOUT_SECONDS,
            },
        }
    }


def degraded(client, scope: str) -> float:
    """drugsite_throttle_degraded_total for `scope`, as /metrics shows it."""
    text = client.get("/metrics").content.decode()
    sample = f'drugsite_throttle_degraded_total{{scope="{scope}"}} '
    lines = [line for line in text.splitlines() if line.startswith(sample)]
    return float(lines[0].rsplit(" ", 1)[1]) if lines else 0.0


def predict(client):
    return client.post(API, PATIENT, content_type="application/json")


def test_with_redis_unreachable_predictions_go_on_and_each_is_counted(
    user_client, client, active_model, settings, tight_limits, caplog
):
    cache_at(settings, CLOSED)
    before = degraded(client, "user")

    codes = [predict(user_client).status_code for _ in range(5)]

    assert codes == [201] * 5  # over the 3/min limit: nothing to count it in
    assert Prediction.objects.filter(outcome=Outcome.ANSWERED).count() == 5
    assert degraded(client, "user") == before + 5
    warnings = [r for r in caplog.records if "throttling degraded" in r.message]
    assert len(warnings) == 1  # once a minute per process, not once a request
    assert warnings[0].levelname == "WARNING"


def test_with_redis_unreachable_anonymous_callers_are_answered_too(
    client, active_model, settings, tight_limits
):
    settings.DRUGSITE_ALLOW_ANONYMOUS = True
    cache_at(settings, CLOSED)
    before = degraded(client, "anon")

    assert [client.get(LEGACY).status_code for _ in range(4)] == [200] * 4
    assert degraded(client, "anon") >= before + 4


def test_limits_hold_until_redis_stops_then_predictions_go_on(
    user_client, client, active_model, settings, tight_limits, redis_server
):
    cache_at(settings, redis_server.url)
    assert [predict(user_client).status_code for _ in range(4)] == [201] * 3 + [429]
    before = degraded(client, "user")

    redis_server.stop()

    assert [predict(user_client).status_code for _ in range(3)] == [201] * 3
    assert degraded(client, "user") == before + 3
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["checks"]["cache"] == "degraded: unreachable"


def test_a_frozen_redis_costs_one_timeout_per_retry_interval_not_per_request(
    user_client, active_model, settings, tight_limits, redis_server
):
    cache_at(settings, redis_server.url)
    assert predict(user_client).status_code == 201
    redis_server.freeze()  # connections accepted, nothing answered

    started = time.perf_counter()
    codes = [predict(user_client).status_code for _ in range(10)]
    elapsed = time.perf_counter() - started

    assert codes == [201] * 10
    # One socket timeout, then the cache is left alone for RETRY_SECONDS;
    # waiting on it every time would be 10 timeouts.
    assert elapsed < 2 * settings.REDIS_TIMEOUT_SECONDS + 0.5
    redis_server.thaw()


def test_a_redis_that_comes_back_is_used_again_after_the_retry_interval(
    user_client, active_model, settings, tight_limits, redis_server, monkeypatch
):
    monkeypatch.setattr(throttle_cache, "RETRY_SECONDS", 0.2)
    cache_at(settings, redis_server.url)
    redis_server.stop()
    assert predict(user_client).status_code == 201
    redis_server.start()
    time.sleep(0.3)
    codes = [predict(user_client).status_code for _ in range(4)]
    assert codes == [201] * 3 + [429]


# The client's address: X-Forwarded-For only behind trusted proxies.


def test_a_client_cannot_dodge_its_limit_with_a_new_forwarded_address_each_time(
    client, active_model, settings, tight_limits
):
    settings.DRUGSITE_ALLOW_ANONYMOUS = True
    codes = [
        client.get(LEGACY, HTTP_X_FORWARDED_FOR=f"198.51.100.{i}").status_code
        for i in range(4)
    ]
    assert codes == [200, 200, 200, 429]


def test_behind_a_proxy_each_forwarded_client_has_its_own_limit(
    client, active_model, settings, tight_limits
):
    settings.DRUGSITE_ALLOW_ANONYMOUS = True
    settings.DRUGSITE_NUM_PROXIES = 1

    def ask(forwarded: str) -> int:
        return client.get(LEGACY, HTTP_X_FORWARDED_FOR=forwarded).status_code

    # The forged entries on the left do not count; the proxy's entry does.
    assert [ask(f"10.0.0.{i}, 203.0.113.7:5{i}") for i in range(4)] == [
        200,
        200,
        200,
        429,
    ]
    assert ask("[2001:db8::9]:443") == 200  # another client, its own limit


# The lane's calls (predictions.lanes) count in the same counters, in one round trip.


def lane_call_allowed() -> bool:
    from django.test import RequestFactory

    request = RequestFactory().get(LEGACY)
    return throttling.call_allowed(
        request, None, [throttling.AnonThrottle, throttling.UserThrottle]
    )


def test_the_lanes_counters_are_the_views_in_redis(
    client, active_model, settings, redis_cache, tight_limits
):
    settings.DRUGSITE_ALLOW_ANONYMOUS = True

    allowed = [lane_call_allowed() for _ in range(3)]

    assert allowed == [True, True, True]
    for scope in ("anon", "user"):  # both throttles counted each call
        (key,) = redis_cache.keys(f"*throttle_{scope}*")
        assert int(redis_cache.get(key)) == 3
        assert 0 < redis_cache.ttl(key) <= 61
    assert client.get(LEGACY).status_code == 429  # the view reads the same count
    assert not lane_call_allowed()


def test_a_counter_gets_its_expiry_once_when_made_not_on_each_count(
    settings, redis_cache, tight_limits
):
    settings.DRUGSITE_ALLOW_ANONYMOUS = True
    left = 60 - time.time() % 60  # of the 1-minute window: both calls in one
    if left < 1.5:
        time.sleep(left + 0.05)
    lane_call_allowed()
    time.sleep(0.3)
    lane_call_allowed()
    for scope in ("anon", "user"):
        (key,) = redis_cache.keys(f"*throttle_{scope}*")
        assert int(redis_cache.get(key)) == 2
        assert 0 < redis_cache.pttl(key) <= 61_000 - 300  # not set again


def test_the_lanes_counters_fail_open_when_redis_is_unreachable(
    client, active_model, settings, tight_limits
):
    cache_at(settings, CLOSED)
    before = degraded(client, "anon")

    assert all(lane_call_allowed() for _ in range(5))
    assert degraded(client, "anon") == before + 5


# Far from the limit, calls are counted in Redis a block at a time.


@pytest.fixture
def roomy_limits(monkeypatch):
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "600/min"})
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "600/min"})


@pytest.fixture
def round_trips(monkeypatch) -> list[list]:
    """The commands of each round trip the counters make to Redis."""
    trips = []
    real = throttle_cache.pipelined

    def counted(client, commands):
        trips.append([command[0] for command in commands])
        return real(client, commands)

    monkeypatch.setattr(throttle_cache, "pipelined", counted)
    return trips


def anon_count(server) -> int:
    (key,) = server.keys("*throttle_anon*")
    return int(server.get(key))


def within_one_window():
    left = 60 - time.time() % 60
    if left < 3:
        time.sleep(left + 0.05)


def test_far_from_the_limit_a_block_of_calls_is_counted_in_one_round_trip(
    redis_cache, roomy_limits, round_trips
):
    within_one_window()
    first = 32  # DRUGSITE_THROTTLE_BLOCK; (600 - 1) // 16 is more

    assert lane_call_allowed()  # nothing known of the window: counted alone
    assert anon_count(redis_cache) == 1
    assert lane_call_allowed()  # reserves the next block, takes its first
    assert anon_count(redis_cache) == 1 + first
    assert all(lane_call_allowed() for _ in range(first - 1))  # the rest of it
    assert anon_count(redis_cache) == 1 + first
    assert round_trips == [["INCR", "INCR"], ["EXPIRE", "EXPIRE"], ["INCRBY"] * 2]
    assert lane_call_allowed()  # the block is used up: the next one
    assert anon_count(redis_cache) == 1 + 2 * first
    assert len(round_trips) == 4


def test_workers_taking_blocks_let_through_no_more_than_the_limit(
    redis_cache, monkeypatch, round_trips
):
    """Two workers (each with its own blocks) share one caller's limit of 100:
    blocks of a share of what is left, single calls near the limit, and not one
    call more than the limit let through."""
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "100/min"})
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": None})
    within_one_window()
    workers = [throttle_cache.Blocks(), throttle_cache.Blocks()]
    allowed, trips = [], []
    for turn in range(300):
        monkeypatch.setattr(throttle_cache, "blocks", workers[turn % 2])
        allowed.append(lane_call_allowed())
        trips.append(len(round_trips))

    assert 95 <= sum(allowed) <= 100
    refused = allowed.index(False)
    assert not any(allowed[refused + 2 :])  # once refused, refused by both
    # blocks far from the limit, single calls near it: about half the trips
    assert trips[refused] <= 0.6 * sum(allowed)


def test_numbers_reserved_in_one_cache_are_not_used_in_another(
    redis_cache, roomy_limits, settings
):
    within_one_window()
    lane_call_allowed()
    lane_call_allowed()  # a block reserved
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/7",
            "KEY_PREFIX": "throttle-test-other",
        }
    }
    other = redis.Redis.from_url("redis://127.0.0.1:6379/7")
    other.flushdb()
    try:
        lane_call_allowed()
        assert anon_count(other) == 1  # counted in the new cache, from one
    finally:
        other.flushdb()


def test_blocks_of_one_count_every_call_in_redis(
    redis_cache, roomy_limits, round_trips, settings
):
    settings.DRUGSITE_THROTTLE_BLOCK = 1
    within_one_window()

    assert all(lane_call_allowed() for _ in range(5))

    assert anon_count(redis_cache) == 5
    assert [trip for trip in round_trips if trip[0] != "EXPIRE"] == [["INCR"] * 2] * 5


def test_a_redis_that_stops_while_blocks_are_held_fails_open_once_they_run_out(
    redis_server, roomy_limits, settings, client
):
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_server.url,
            "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 0.25, "SOCKET_TIMEOUT": 0.25},
        }
    }
    within_one_window()
    assert lane_call_allowed()
    assert lane_call_allowed()  # a block of 32 reserved, its first taken
    redis_server.stop()
    before = degraded(client, "anon")

    assert all(lane_call_allowed() for _ in range(40))  # 31 from the block, then open

    assert degraded(client, "anon") == before + 40 - 31


def test_a_block_reserved_under_one_limit_serves_no_other(
    redis_cache, roomy_limits, monkeypatch
):
    within_one_window()
    lane_call_allowed()
    lane_call_allowed()  # a block of 32 reserved under 600/min
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "2/min"})
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "2/min"})
    redis_cache.flushdb()

    assert [lane_call_allowed() for _ in range(3)] == [True, True, False]
    assert anon_count(redis_cache) == 3  # each counted in Redis on its own
