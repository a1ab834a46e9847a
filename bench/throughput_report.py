"""The throughput benchmark's model store and its table of medians and targets."""

from __future__ import annotations

import os
import statistics
from pathlib import Path

from bench.cpu import PARTS
from bench.throughput import (
    BATCH_TARGET,
    P99_TARGET_MS,
    RATIO_TARGETS,
    RSS_TARGET_MB,
)
from bench.wrk import CONNECTIONS


def make_store(folder: Path) -> Path:
    """Train drugsite's model and the tutorial's, from the bundled dataset."""
    from django.conf import settings

    from bench.tutorial_app import train as train_tutorial
    from ml.services import artifact_train

    store = folder / "store"
    store.mkdir()
    trained = artifact_train(data=settings.ML_DEFAULT_DATASET, store=store)
    (store / "VERSION").write_text(trained.manifest["version"])
    train_tutorial(str(folder / "tutorial.pkl"), str(settings.ML_DEFAULT_DATASET))
    return store


def median(case: dict, key: str) -> float:
    return statistics.median(run[key] for run in case["runs"])


def rows_verdict(case: dict) -> str:
    """Log rows written against answers counted: every answer has its row (rows
    of requests wrk gave up on at the end may exceed the count)."""
    if "rows" not in case:
        return "-"
    expected = sum(run["requests"] for run in case["runs"]) * case["rows"]
    written = sum(run["written"] for run in case["runs"])
    slack = CONNECTIONS * case["rows"] * len(case["runs"])
    ok = expected <= written <= expected + slack
    return f"{written:,} rows for {expected:,} answers ({'ok' if ok else 'MISMATCH'})"


def verdict(case: dict, baseline: float) -> str:
    target = case.get("target")
    if target in RATIO_TARGETS:
        ratio = median(case, "rps") / baseline
        wanted = RATIO_TARGETS[target]
        met = ratio >= wanted
        text = f"≥ {wanted:.1f}×"
        if target == "get":
            met = met and median(case, "p99") <= P99_TARGET_MS
            text += f", p99 ≤ {P99_TARGET_MS:.0f} ms"
        return f"{text}: {'met' if met else 'MISSED'}"
    if target == "batch":
        rate = median(case, "rps") * case["rows"]
        met = rate >= BATCH_TARGET
        return f"{rate:,.0f} records/s ≥ {BATCH_TARGET:,}: {'met' if met else 'MISSED'}"
    return ""


def print_table(plan: list[dict], rss: dict) -> None:
    baseline = median(plan[1], "rps")
    print(
        "| case | req/s | p50 ms | p99 ms | errors | × baseline | target | audit rows |"
    )
    print("|---|---:|---:|---:|---:|---:|---|---|")
    for case in plan:
        errors = sum(run["errors"] for run in case["runs"])
        print(
            f"| {case['name']} | {median(case, 'rps'):,.0f} | "
            f"{median(case, 'p50'):.2f} | {median(case, 'p99'):.2f} | {errors} | "
            f"{median(case, 'rps') / baseline:.2f}× | {verdict(case, baseline)} | "
            f"{rows_verdict(case)} |"
        )
    print_cpu(plan)
    for database, peak in rss.items():
        met = "met" if peak <= RSS_TARGET_MB else "MISSED"
        print(
            f"\nPeak RSS per drugsite worker, {database}: {peak:.0f} MB "
            f"(target ≤ {RSS_TARGET_MB} MB: {met})"
        )


def print_cpu(plan: list[dict]) -> None:
    """Where each case's CPU went, per answer (bench/cpu.py): medians over rounds."""
    print(
        "\nCPU per answer, µs (medians; a batch's answer is one request of its "
        "records): the server's processes, PostgreSQL's and Redis's (every one of "
        "theirs, whichever server used them), and the machine (all processes, wrk "
        "included; the cores' busy time, so at most "
        f"{os.cpu_count():,} s per second)\n"
    )
    print("| case | server | PostgreSQL | Redis | machine |")
    print("|---|---:|---:|---:|---:|")
    for case in plan:
        spent = [
            statistics.median(run["cpu"][part] for run in case["runs"])
            for part in PARTS
        ]
        print(f"| {case['name']} | " + " | ".join(f"{v:,.0f}" for v in spent) + " |")
