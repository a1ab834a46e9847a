"""HTTP throughput: drugsite (writing an audit row per answer) vs the tutorial's design.

Starts, one after the other on 127.0.0.1, the tutorial's Flask app (model unpickled
per call, then cached) and drugsite's production stack, each under gunicorn with the
same number of sync workers, drives each with wrk (same connections, same duration)
and prints one table: requests/s, p50, p99, errors, ratio to the cached baseline,
and rows written. Then drugsite's POST (single and 1,000-record batch) and peak RSS
per worker. Runs on SQLite, then on PostgreSQL.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from drugsite.tests.live import BASE, LiveStack, free_port
from ml.reference import TUTORIAL_DEFAULT

WORKERS, CONNECTIONS, THREADS = 2, 16, 2
DURATION = os.environ.get("BENCH_DURATION", "10s")
QUERY = "/drug?Age=60&Sex=F&BP=LOW&Cholesterol=HIGH&Na_to_K=20"
PATIENT = TUTORIAL_DEFAULT.as_fields() | {"bp": "HIGH"}  # answered drugA
TARGETS = {"legacy": 1.0, "api": 0.8}  # x the cached tutorial app
BATCH_TARGET, P99_TARGET_MS, RSS_TARGET_MB = 50_000, 15.0, 150


def wrk(url: str, script: str | None = None) -> dict:
    """Run wrk once; parse requests/s, p50, p99, errors, completed requests."""
    command = ["wrk", f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{DURATION}", "--latency"]
    if script:
        command += ["-s", script]
    out = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True
    ).stdout
    latency = dict(re.findall(r"^\s+(50|99)(?:\.0+)?%\s+([\d.]+\w+)\s*$", out, re.M))
    if set(latency) != {"50", "99"}:
        raise RuntimeError(f"unexpected wrk output:\n{out}")
    errors = sum(
        int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out)
    )
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "p50": to_ms(latency["50"]),
        "p99": to_ms(latency["99"]),
        "errors": errors + (int(non2xx.group(1)) if non2xx else 0),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
    }


def to_ms(text: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def post_script(tmp: Path, body: object, name: str) -> str:
    path = tmp / f"{name}.lua"
    path.write_text(
        'wrk.method = "POST"\n'
        'wrk.headers["Content-Type"] = "application/json"\n'
        f"wrk.body = {json.dumps(json.dumps(body))}\n"
    )
    return str(path)


def worker_peak_rss_mb(master_pid: int) -> float:
    """Largest peak RSS (VmHWM) among the master's worker processes."""
    children = subprocess.run(
        ["ps", "--ppid", str(master_pid), "-o", "pid="], capture_output=True, text=True
    ).stdout.split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
    return max(peaks)


def start_tutorial(tmp: Path, cache: bool) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = dict(
        os.environ,
        TUTORIAL_MODEL=str(tmp / "tutorial.pkl"),
        TUTORIAL_CACHE_MODEL="1" if cache else "0",
    )
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "--chdir",
            str(BASE / "bench"),
            "tutorial_app:app",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    wait_for(url + QUERY)
    return process, url


def wait_for(url: str) -> None:
    for _ in range(100):
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


def make_store(tmp: Path) -> Path:
    """Train drugsite's model and the tutorial's, from the bundled dataset."""
    from django.conf import settings

    from bench.tutorial_app import train as train_tutorial
    from ml.services import artifact_train

    store = tmp / "store"
    store.mkdir()
    trained = artifact_train(data=settings.ML_DEFAULT_DATASET, store=store)
    (store / "VERSION").write_text(trained.manifest["version"])
    train_tutorial(str(tmp / "tutorial.pkl"), str(settings.ML_DEFAULT_DATASET))
    return store


def row(name: str, result: dict, baseline: float | None, rows: str = "-") -> str:
    ratio = f"{result['rps'] / baseline:.2f}×" if baseline else "-"
    return (
        f"| {name:<46} | {result['rps']:>9,.0f} | {result['p50']:>7.2f} | "
        f"{result['p99']:>7.2f} | {result['errors']:>6} | {ratio:>7} | {rows} |"
    )


def bench_drugsite(tmp: Path, store: Path, database: str, baseline: float) -> list[str]:
    stack = LiveStack(
        workdir=tmp / database,
        store=store,
        database=database,
        workers=WORKERS,
        extra_env={"LOG_LEVEL": "WARNING"},
    )
    (tmp / database).mkdir()
    lines = []
    try:
        stack.start()
        answered = (
            "SELECT COUNT(*) FROM predictions_prediction WHERE outcome='answered'"
        )
        cases = [
            ("legacy", f"drugsite GET /drug ({database})", stack.url + QUERY, None, 1),
            (
                "api",
                f"drugsite POST /api/v1/predictions/ single ({database})",
                stack.url + "/api/v1/predictions/",
                post_script(tmp, PATIENT, "one"),
                1,
            ),
            (
                "batch",
                f"drugsite POST batch of 1,000 ({database})",
                stack.url + "/api/v1/predictions/",
                post_script(tmp, [PATIENT] * 1000, "batch"),
                1000,
            ),
        ]
        for key, name, url, script, per_request in cases:
            before = stack.count(answered)
            result = wrk(url, script)
            time.sleep(0.5)
            written = stack.count(answered) - before
            expected = result["requests"] * per_request
            in_flight = CONNECTIONS * per_request
            ok = expected <= written <= expected + in_flight
            rows = f"{written:,} rows ({'ok' if ok else 'MISMATCH'})"
            if key == "batch":
                rate = result["rps"] * per_request
                verdict = "met" if rate >= BATCH_TARGET else "MISSED"
                rows += f"; {rate:,.0f} records/s ({verdict})"
                lines.append(row(name, result, None, rows))
            else:
                lines.append(row(name, result, baseline, rows))
                ratio_ok = result["rps"] >= TARGETS[key] * baseline
                p99_ok = key != "legacy" or result["p99"] <= P99_TARGET_MS
                lines.append(
                    f"|   target ≥ {TARGETS[key]:.1f}× baseline"
                    f"{', p99 ≤ 15 ms' if key == 'legacy' else ''}: "
                    f"{'met' if ratio_ok and p99_ok else 'MISSED'} | | | | | | |"
                )
        rss = worker_peak_rss_mb(stack.process.pid)
        lines.append(
            f"|   peak RSS per worker ({database}): {rss:.0f} MB "
            f"(target ≤ {RSS_TARGET_MB}: "
            f"{'met' if rss <= RSS_TARGET_MB else 'MISSED'}) | | | | | | |"
        )
    finally:
        stack.close()
    return lines


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drugsite.settings")
    import django

    django.setup()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    tmp = Path(tempfile.mkdtemp(prefix="drugsite-bench-"))
    try:
        store = make_store(tmp)
        results = {}
        for cache in (False, True):
            process, url = start_tutorial(tmp, cache)
            try:
                wrk(url + QUERY)  # warm up
                results[cache] = wrk(url + QUERY)
            finally:
                process.terminate()
                process.wait()
        baseline = results[True]["rps"]
        lines = [
            row(
                "tutorial Flask app, model unpickled per call", results[False], baseline
            ),
            row("tutorial Flask app, model cached (baseline)", results[True], baseline),
        ]
        for database in ("sqlite", "postgres"):
            lines += bench_drugsite(tmp, store, database, baseline)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(
        f"\n## HTTP on {platform.machine()}, {os.cpu_count()} cores: {WORKERS} "
        "gunicorn "
        f"sync workers each, wrk -t{THREADS} -c{CONNECTIONS} -d{DURATION} on the same "
        "machine\n"
    )
    print(
        f"| {'what':<46} | {'req/s':>9} | {'p50 ms':>7} | {'p99 ms':>7} | "
        f"{'errors':>6} | {'ratio':>7} | audit rows |"
    )
    print(f"|{'-' * 48}|----------:|--------:|--------:|-------:|--------:|---|")
    for line in lines:
        print(line)
