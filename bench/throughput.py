"""HTTP throughput: drugsite, every answer durably logged, beside the tutorial's app.

All servers run at once (bench/servers.py), each with the same number of worker
processes; wrk drives them in interleaved rounds (same connections, same
duration), so that a noisy moment hurts every server alike. The table gives each
case's median requests/s and latency over the rounds, its ratio to the cached
tutorial app, the log rows written against the answers wrk counted, the CPU each
answer cost, and the reason for each missed target (bench/throughput_report.py).
"""

from __future__ import annotations

import os
import platform
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import cpu, servers
from bench.wrk import CONNECTIONS, THREADS, post_script, wrk
from ml.reference import TUTORIAL_DEFAULT

DURATION = os.environ.get("BENCH_DURATION", "10s")
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
QUERY = "/drug?Age=60&Sex=F&BP=LOW&Cholesterol=HIGH&Na_to_K=20"
PATIENT = TUTORIAL_DEFAULT.as_fields() | {"bp": "HIGH"}  # answered drugA
BATCH = 1000
RATIO_TARGETS = {"get": 1.0, "post": 0.9}  # × the cached tutorial app
BATCH_TARGET, P99_TARGET_MS, RSS_TARGET_MB = 100_000, 15.0, 150
ANSWERED = "SELECT COUNT(*) FROM predictions_prediction WHERE outcome='answered'"


def cases(folder: Path, stacks: dict, baselines: dict) -> list[dict]:
    """Every measured case: name, URL, wrk options, and what it writes."""
    found = [
        {"name": "tutorial app, model unpickled per call", **baselines["percall"]},
        {"name": "tutorial app, model cached (baseline)", **baselines["cached"]},
        {"name": "hello-world, drugsite's server (ceiling)", **baselines["hello"]},
    ]
    one = post_script(folder, PATIENT, "one")
    batch = post_script(folder, [PATIENT] * BATCH, "batch")
    for database, (stack, token) in stacks.items():
        api = stack.url + "/api/v1/predictions/"
        auth = (f"Authorization: Token {token}",)
        pid = stack.process.pid
        found += [
            {"name": f"drugsite GET /drug, {database}", "url": stack.url + QUERY,
             "pid": pid, "stack": stack, "rows": 1, "target": "get"},
            {"name": f"drugsite POST one record, token, {database}", "url": api,
             "script": one, "headers": auth, "pid": pid, "stack": stack, "rows": 1,
             "target": "post"},
            {"name": f"drugsite POST {BATCH:,} records, token, {database}",
             "url": api, "script": batch, "headers": auth, "pid": pid,
             "stack": stack, "rows": BATCH, "target": "batch"},
        ]  # fmt: skip
    return found


def measure(case: dict) -> dict:
    """One wrk run of a case, with the CPU its answers cost and the log rows it
    wrote."""
    stack = case.get("stack")
    before = stack.count(ANSWERED) if stack else 0
    spent = cpu.snapshot(case["pid"])
    result = wrk(case["url"], DURATION, case.get("script"), case.get("headers", ()))
    result["cpu"] = cpu.per_answer(spent, cpu.snapshot(case["pid"]), result["requests"])
    if stack:
        time.sleep(0.5)  # requests wrk gave up on at the end may still commit
        result["written"] = stack.count(ANSWERED) - before
    return result


def run(folder: Path, store: Path) -> tuple[list[dict], dict]:
    """Start everything, warm up, measure in interleaved rounds, stop everything."""
    started, stacks, rss = [], {}, {}
    try:
        baselines = {}
        for key, cache in (("percall", False), ("cached", True)):
            server = servers.tutorial(folder, cache, QUERY)
            started.append(server)
            baselines[key] = {"url": server.url + QUERY, "pid": server.process.pid}
        hello = servers.hello(folder)
        started.append(hello)
        baselines["hello"] = {"url": hello.url + "/", "pid": hello.process.pid}
        for database in ("sqlite", "postgres"):
            stack = servers.drugsite(folder, store, database)
            started.append(stack)
            stacks[database] = (stack, stack.user_with_token()[0])
        plan = cases(folder, stacks, baselines)
        for case in plan:  # warm-up: models loaded, connections open
            wrk(case["url"], "2s", case.get("script"), case.get("headers", ()))
        for case in plan:
            case["runs"] = []
        for _ in range(ROUNDS):
            for case in plan:
                case["runs"].append(measure(case))
        for database, (stack, _) in stacks.items():
            rss[database] = servers_peak_rss_mb(stack.process.pid)
        (setting,) = stacks["postgres"][0].rows("SHOW synchronous_commit")[0]
        rss["synchronous_commit"] = setting
        return plan, rss
    finally:
        for server in started:
            (server.close if hasattr(server, "close") else server.stop)()


def servers_peak_rss_mb(master_pid: int) -> float:
    """Largest peak RSS (VmHWM) among a server's worker processes."""
    children = Path(f"/proc/{master_pid}/task/{master_pid}/children").read_text()
    peaks = []
    for pid in children.split():
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(status.split("VmHWM:")[1].split()[0]) / 1024)
    return max(peaks)


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "drugsite.settings")
    import django

    django.setup()
    if not shutil.which("wrk"):
        sys.exit("wrk is not installed (apt-get install wrk)")
    from bench.throughput_report import make_store, print_table

    folder = Path(tempfile.mkdtemp(prefix="drugsite-bench-"))
    try:
        plan, rss = run(folder, make_store(folder))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"\n## HTTP on {platform.machine()}, {os.cpu_count()} cores: "
        f"{servers.WORKERS} worker processes each, wrk -t{THREADS} -c{CONNECTIONS} "
        f"-d{DURATION} on the same machine, {ROUNDS} interleaved rounds, medians\n\n"
        "drugsite as `make serve` runs it: granian, DEBUG off, INFO request lines "
        "(the access log) and prediction lines written to a file; the throttle rates "
        "raised to 100,000,000/min; SQLite in WAL mode (synchronous=NORMAL); "
        "PostgreSQL with synchronous_commit="
        f"{rss.pop('synchronous_commit')}, and Redis. Each answer's row is "
        "committed before the answer is sent.\n"
    )
    print_table(plan, rss)
