"""Throttling counts in the shared cache (real Redis here) and answers 429."""

import pickle

import pytest
import redis
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

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


def test_throttle_history_lives_in_redis_so_every_worker_shares_it(
    client, active_model, settings, redis_cache, tight_limits
):
    settings.DRUGSITE_ALLOW_ANONYMOUS = True
    for _ in range(3):
        client.get(LEGACY)
    (key,) = redis_cache.keys("*throttle_anon*")
    history = pickle.loads(redis_cache.get(key))
    assert len(history) == 3  # the three requests, as timestamps, in Redis
    assert client.get(LEGACY).status_code == 429
    # Nothing is kept in this process: empty Redis and the caller may go on.
    redis_cache.delete(*redis_cache.keys("*throttle_*"))
    assert client.get(LEGACY).status_code == 200


def test_users_are_throttled_per_account(
    client, active_model, django_user_model, redis_cache, tight_limits
):
    user = django_user_model.objects.create_user("dana", password="x-long-pass-1")
    client.force_login(user)
    codes = [client.get(LEGACY).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
