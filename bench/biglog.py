"""The prediction log at millions of rows, on PostgreSQL: pages and export.

Makes a database of its own (dropped afterwards), migrates it, trains and
activates the bundled model, fills BENCH_BIGLOG_ROWS rows (default 5,000,000) by
COPY (bench/biglog_fill.py) with migration 0009's indexes left out, builds those on
the full table (timed: what that migration costs on a big log), then times the
admin and API pages (bench/biglog_pages.py) against a 300 ms target and streams a
CSV export of up to 1,000,000 rows: rows/s, first bytes, RSS growth.
"""

from __future__ import annotations

import importlib
import os
import platform
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from drugsite.tests.live import BASE, PG_ADMIN

TARGET_MS, CONSTANT_MB, EXPORT_ROWS = 300, 64, 1_000_000
INDEXES = importlib.import_module("predictions.migrations.0009_log_indexes")


def main() -> None:
    """Make the database, run the measurement in a process of its own, drop it."""
    import psycopg

    name = "drugsite_biglog_" + secrets.token_hex(4)
    tmp = Path(tempfile.mkdtemp(prefix="drugsite-biglog-"))
    env = {k: v for k, v in os.environ.items() if not k.startswith("DATABASE_")}
    env |= {
        "DATABASE_URL": f"postgresql://postgres@127.0.0.1:5432/{name}",
        "BENCH_BIGLOG_DATABASE": name,
        "ML_ARTIFACT_DIR": str(tmp / "artifacts"),
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "biglog-bench-" + "k" * 50,
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DRUGSITE_THROTTLE_USER": "",  # the bench asks faster than a person
        "LOG_LEVEL": "WARNING",
    }
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        for command in (
            ["migrate", "--no-input"],
            ["train_model", "--activate"],
            ["collectstatic", "--no-input"],  # production settings, as make serve
        ):
            subprocess.run(
                [sys.executable, "manage.py", *command],
                cwd=BASE,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        inner = [sys.executable, "-m", "bench.biglog", "inside"]
        subprocess.run(inner, cwd=BASE, env=env, check=True)
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        shutil.rmtree(tmp, ignore_errors=True)


@contextmanager
def indexes_built_after():
    """Migration 0009's indexes left out while the block runs, then built through
    Django's schema editor as the migration would; yields where the time goes."""
    from django.db import connection

    from predictions.models import Prediction

    indexes, timing = [op.index for op in INDEXES.Migration.operations], {}
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.remove_index(Prediction, index)
    yield timing
    started = time.perf_counter()
    with connection.schema_editor() as editor:
        for index in indexes:
            editor.add_index(Prediction, index)
    timing["seconds"] = time.perf_counter() - started


def inside() -> None:
    """Fill, index, measure and print; in the bench database's own process."""
    if not os.environ.get("BENCH_BIGLOG_DATABASE", "").startswith("drugsite_biglog_"):
        sys.exit("run by `python -m bench biglog`, on a database of its own")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drugsite.settings")
    import django

    django.setup()
    from django.db import connection

    from bench.biglog_fill import log_fill
    from bench.biglog_pages import export_measure, medians_ms, pages

    total = int(os.environ.get("BENCH_BIGLOG_ROWS", "5000000"))
    with indexes_built_after() as built:
        started = time.perf_counter()
        log_fill(total)
        filled = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_total_relation_size('predictions_prediction')")
        size = cursor.fetchone()[0] / 2**30
    print(
        f"\n## The log at {total:,} rows: PostgreSQL "
        f"{connection.pg_version // 10000} on {platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}\n\n"
        f"Filled by COPY in {filled:.0f} s ({total / filled:,.0f} rows/s), "
        f"{size:.1f} GiB with indexes; migration 0009's indexes built afterwards "
        f"on the full log (writes wait meanwhile) in {built['seconds']:.0f} s.\n\n"
        f"Load average before the pages: {os.getloadavg()[0]:.1f}.\n\n"
        f"| page (median of runs after a warm-up) | ms | ≤ {TARGET_MS} ms |\n"
        "|---|---:|---|"
    )
    measured = pages(total)
    for (what, *_), ms in zip(measured, medians_ms(measured), strict=True):
        print(f"| {what} | {ms:,.1f} | {'met' if ms <= TARGET_MS else 'MISSED'} |")
    export = export_measure(measured[0][1], min(EXPORT_ROWS, total // 5))
    verdict = "met" if export["growth_mb"] <= CONSTANT_MB else "MISSED"
    print(
        f"\nCSV export of {export['rows']:,} rows (admin action, streamed): "
        f"{export['rows_per_s']:,.0f} rows/s, first bytes after "
        f"{export['first_byte_s']:.1f} s, all in {export['seconds']:.0f} s; "
        f"RSS growth {export['growth_mb']:.1f} MB (to {export['peak_mb']:.0f} MB) "
        f"(constant memory, ≤ {CONSTANT_MB} MB: {verdict})."
    )


if __name__ == "__main__" and sys.argv[1:] == ["inside"]:
    inside()
