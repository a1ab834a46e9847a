"""The database and the cache: embedded by default, PostgreSQL and Redis when set."""

import os
from pathlib import Path

import dj_database_url

from drugsite.settings.base import BASE_DIR

# Database: SQLite by default (WAL, busy timeout, immediate transactions so that
# several workers can write the log at once; a page cache of 512 KiB, not 2 MiB,
# per connection: each of a worker's threads has one, and an INSERT touches the
# same few pages, the rest the OS caches); PostgreSQL when DATABASE_URL is set.
SQLITE_PATH = Path(os.environ.get("SQLITE_PATH", BASE_DIR / "db.sqlite3"))
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{SQLITE_PATH}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "600")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA cache_size=-512;"
        ),
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Statements run more than this many times on a connection are prepared on
    # the server: parsed and planned once per connection, not on every call
    # (the log's INSERT, the token's lookup). Django leaves this off for the
    # sake of poolers that cannot keep prepared statements (PgBouncer in
    # transaction mode before 1.21): DATABASE_PREPARE_THRESHOLD="" there.
    threshold = os.environ.get("DATABASE_PREPARE_THRESHOLD", "5")
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        int(threshold) if threshold.strip() else None
    )
DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME") or None}

REDIS_URL = os.environ.get("REDIS_URL", "")
REDIS_TIMEOUT_SECONDS = float(os.environ.get("REDIS_TIMEOUT_SECONDS", "0.25"))
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "drugsite"),
            # A Redis that is down or hangs must cost milliseconds, not the
            # request: throttling then fails open (predictions.throttling).
            "OPTIONS": {
                "SOCKET_CONNECT_TIMEOUT": REDIS_TIMEOUT_SECONDS,
                "SOCKET_TIMEOUT": REDIS_TIMEOUT_SECONDS,
            },
        }
    }
else:
    # Django's local-memory cache, with the throttles' counters kept beside it.
    CACHES = {"default": {"BACKEND": "predictions.localcache.LocalCache"}}
