"""Settings come from the environment; production settings pass `check --deploy`."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

BASE = Path(__file__).resolve().parents[2]


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "DATABASE_URL", "REDIS_URL"))
    }
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def production_env(**extra: str) -> dict:
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "drugsite.example.org",
        **extra,
    }


def test_check_deploy_reports_no_issue_with_production_settings():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", **production_env()
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_a_secret_key():
    result = run_manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_settings_read_database_url_and_redis_url():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE'], s.CACHES['default']['BACKEND'],"
        " s.DATABASES['default']['CONN_HEALTH_CHECKS'])"
    )
    result = run_manage(
        "shell",
        "-c",
        code,
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/test",
        REDIS_URL="redis://127.0.0.1:6379/0",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "django.db.backends.postgresql",
        "django_redis.cache.RedisCache",
        "True",
    ]


def test_sqlite_default_uses_wal_busy_timeout_immediate_and_a_small_cache(tmp_path):
    code = (
        "from django.db import connection as c;"
        "c.ensure_connection();"
        "cur = c.cursor();"
        "print(cur.execute('PRAGMA journal_mode').fetchone()[0],"
        " cur.execute('PRAGMA busy_timeout').fetchone()[0],"
        " c.settings_dict['OPTIONS']['transaction_mode'],"
        " cur.execute('PRAGMA cache_size').fetchone()[0])"
    )
    result = run_manage("shell", "-c", code, SQLITE_PATH=str(tmp_path / "db.sqlite3"))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "wal",
        "20000",
        "IMMEDIATE",
        "-512",
    ]


def test_postgresql_statements_are_prepared_unless_turned_off_for_a_pooler():
    code = (
        "from django.conf import settings as s;print(s.DATABASES['default']['OPTIONS'])"
    )
    url = "postgresql://u@db.example.org:5432/drugsite"
    default = run_manage("shell", "-c", code, DATABASE_URL=url)
    off = run_manage(
        "shell", "-c", code, DATABASE_URL=url, DATABASE_PREPARE_THRESHOLD=""
    )
    sooner = run_manage(
        "shell", "-c", code, DATABASE_URL=url, DATABASE_PREPARE_THRESHOLD="2"
    )

    assert default.returncode == off.returncode == sooner.returncode == 0
    assert "'prepare_threshold': 5" in default.stdout
    assert "'prepare_threshold': None" in off.stdout
    assert "'prepare_threshold': 2" in sooner.stdout
