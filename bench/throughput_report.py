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
    print_misses(plan)
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
        spent = [cpu_of(case, part) for part in PARTS]
        print(f"| {case['name']} | " + " | ".join(f"{v:,.0f}" for v in spent) + " |")


def cpu_of(case: dict, part: str) -> float:
    """A case's median CPU per answer of one part (bench/cpu.py), µs."""
    return statistics.median(run["cpu"][part] for run in case["runs"])


def miss_reason(case: dict, baseline: dict, cores: int) -> str | None:
    """Why a case missed its target, from its own run's figures; None if met.

    Every server here keeps the cores busy, so its answers/s is the cores' time
    over what one answer costs the whole machine (wrk, PostgreSQL and Redis
    included). A ratio to the baseline is then the baseline's machine CPU per
    answer over the case's; a rate of records, the cores over a record's cost.
    Where the cores were not busy, CPU is not what held the answers back."""
    target = case.get("target")
    if target not in (*RATIO_TARGETS, "batch"):
        return None
    rps, p99 = median(case, "rps"), median(case, "p99")
    spent = {part: cpu_of(case, part) for part in PARTS}
    busy = spent["machine"] * rps / 1e6 / cores
    reasons = []
    if target == "batch":
        rows = case["rows"]
        each = {part: value / rows for part, value in spent.items()}
        allowed = cores * 1e6 / BATCH_TARGET
        if rps * rows < BATCH_TARGET:
            reasons.append(
                f"{BATCH_TARGET:,} records/s on {cores} cores allows {allowed:.0f} µs "
                f"of the machine's CPU per record; a record cost "
                f"{each['machine']:.1f} ({shares(each, '.1f')})"
            )
    else:
        wanted = RATIO_TARGETS[target]
        base = cpu_of(baseline, "machine")
        ratio = rps / median(baseline, "rps")
        if ratio < wanted:
            allowed = base / wanted
            over = spent["machine"] - allowed
            reasons.append(
                f"{wanted:.1f}× allows {allowed:,.0f} µs of the machine's CPU per "
                f"answer (the baseline's {base:,.0f} / {wanted:.1f}); an answer cost "
                f"{spent['machine']:,.0f} ({shares(spent, ',.0f')}): "
                + (f"{over:,.0f} too many" if over > 0 else "no more than that")
            )
        if target == "get" and p99 > P99_TARGET_MS:
            reasons.append(f"p99 {p99:.1f} ms > {P99_TARGET_MS:.0f} ms")
    if not reasons:
        return None
    if busy < 0.9:
        reasons.append(
            f"the cores were only {busy:.0%} busy: the answers waited on something "
            "other than CPU"
        )
    else:
        reasons.append(f"the cores were {busy:.0%} busy")
    return "; ".join(reasons)


def shares(spent: dict, form: str) -> str:
    return ", ".join(
        f"{label} {spent[part]:{form}}"
        for part, label in (
            ("server", "the server"),
            ("postgresql", "PostgreSQL"),
            ("redis", "Redis"),
        )
    )


def print_misses(plan: list[dict]) -> None:
    """Each missed target with its reason (miss_reason)."""
    cores = os.cpu_count() or 1
    misses = [
        (case["name"], reason)
        for case in plan
        if (reason := miss_reason(case, plan[1], cores))
    ]
    if misses:
        print("\nWhy each missed target was missed, from this run's CPU figures:\n")
        for name, reason in misses:
            print(f"- {name}: {reason}.")
