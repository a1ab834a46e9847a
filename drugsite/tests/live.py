"""Start the production stack (drugsite.serve: granian, production settings) for a test.

Used by the tests that must cross a real process boundary: several workers
writing the log at once, SIGTERM during load, scale-out.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

BASE = Path(__file__).resolve().parents[2]
PG_ADMIN = "postgresql://postgres@127.0.0.1:5432/test"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class LiveStack:
    """A migrated database, a registered model and a running server."""

    workdir: Path
    store: Path
    database: str = "sqlite"
    workers: int = 4
    extra_env: dict = field(default_factory=dict)
    url: str = ""
    process: subprocess.Popen | None = None
    pg_name: str = ""
    owns_database: bool = True

    @property
    def env(self) -> dict:
        env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_"))
        }
        env.update(
            {
                "DJANGO_DEBUG": "0",
                "DJANGO_SECRET_KEY": "live-test-" + "k" * 50,
                "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
                "DJANGO_SECURE_SSL_REDIRECT": "0",
                "DRUGSITE_ALLOW_ANONYMOUS": "1",
                "DRUGSITE_THROTTLE_ANON": "",
                "DRUGSITE_THROTTLE_USER": "",
                "ML_ARTIFACT_DIR": str(self.workdir / "artifacts"),
                "SQLITE_PATH": str(self.workdir / "db.sqlite3"),
                "ACCESS_LOG": "0",
                "LOG_LEVEL": "WARNING",
                "WEB_CONCURRENCY": str(self.workers),
                "PROMETHEUS_MULTIPROC_DIR": str(self.workdir / "prometheus"),
            }
        )
        if self.pg_name:
            env["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{self.pg_name}"
        env.update(self.extra_env)
        return env

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def start(self) -> LiveStack:
        shutil.copytree(self.store, self.workdir / "artifacts")
        if self.database == "postgres" and self.pg_name:
            self.owns_database = False  # another stack's database, shared
        elif self.database == "postgres":
            self.pg_name = "drugsite_live_" + secrets.token_hex(4)
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f"CREATE DATABASE {self.pg_name}")
        self.manage("migrate", "--no-input")
        version = (self.store / "VERSION").read_text()
        self.manage(
            "register_model", str(self.workdir / "artifacts" / version), "--activate"
        )
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = dict(self.env, BIND_HOST="127.0.0.1", PORT=str(port))
        self.log = open(self.workdir / "server.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [sys.executable, "-m", "drugsite.serve"],
            cwd=BASE,
            env=env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
        )
        self.wait_ready()
        return self

    def wait_ready(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log_text()
            try:
                with urllib.request.urlopen(self.url + "/readyz", timeout=2) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.2)
        raise AssertionError("the server did not become ready:\n" + self.log_text())

    def log_text(self) -> str:
        return (self.workdir / "server.log").read_text()[-4000:]

    def stop(self, sig: int = signal.SIGTERM, timeout: float = 60) -> int:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=timeout)
        return self.process.returncode if self.process else 0

    def close(self) -> None:
        self.stop()
        if self.pg_name and self.owns_database:
            with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
                conn.execute(f"DROP DATABASE IF EXISTS {self.pg_name} WITH (FORCE)")

    def count(self, sql: str) -> int:
        """Run a counting query on the stack's database."""
        return self.rows(sql)[0][0]

    def rows(self, sql: str) -> list[tuple]:
        """Run a query on the stack's database, outside the app."""
        if self.pg_name:
            url = f"postgresql://postgres@127.0.0.1:5432/{self.pg_name}"
            with psycopg.connect(url) as conn:
                return conn.execute(sql).fetchall()
        import sqlite3

        with sqlite3.connect(self.workdir / "db.sqlite3") as conn:
            return conn.execute(sql).fetchall()

    def user_with_token(self, username: str = "loadtester") -> tuple[str, str]:
        """Create a Prescriber with a password and an API token; return both."""
        password = secrets.token_urlsafe(12)
        self.manage(
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            f"User.objects.create_user({username!r}, password={password!r})",
        )
        self.manage("grant_role", username, "prescriber")
        token = self.manage("create_token", username).strip()
        return token, password
