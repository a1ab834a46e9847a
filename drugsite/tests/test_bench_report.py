"""The throughput benchmark's verdicts and its reasons for a missed target
(bench/throughput_report.py), on runs with known figures."""

from __future__ import annotations

import pytest

from bench.throughput_report import miss_reason, verdict


def case(rps, machine, target=None, p99=5.0, rows=1, server=0.0, postgresql=0.0):
    """A case of three equal rounds."""
    cpu = {"server": server, "postgresql": postgresql, "redis": 4.0, "machine": machine}
    run = {"rps": rps, "p50": 1.0, "p99": p99, "cpu": cpu, "errors": 0}
    return {"name": "x", "target": target, "rows": rows, "runs": [run] * 3}


BASELINE = case(3_000, 600)  # 3,000 answers/s at 600 µs each: 1.8 of 2 cores busy


def test_met_target_has_no_reason():
    met = case(3_100, 580, "get")
    assert verdict(met, 3_000).endswith(": met")
    assert miss_reason(met, BASELINE, cores=2) is None


def test_ratio_miss_says_how_much_cpu_too_many_and_whose():
    slow = case(2_700, 700, "get", server=600, postgresql=90)
    assert verdict(slow, 3_000).endswith("MISSED")
    reason = miss_reason(slow, BASELINE, cores=2)
    assert "1.0× allows 600 µs" in reason
    assert (
        "an answer cost 700 (the server 600, PostgreSQL 90, Redis 4): 100 too many"
        in reason
    )
    assert "the cores were 94% busy" in reason


def test_post_is_held_to_its_own_ratio():
    post = case(2_400, 740, "post")
    reason = miss_reason(post, BASELINE, cores=2)
    assert "0.9× allows 667 µs" in reason
    assert "73 too many" in reason
    assert miss_reason(case(2_750, 650, "post"), BASELINE, cores=2) is None


def test_p99_miss_alone_is_named():
    late = case(3_100, 580, "get", p99=21.5)
    assert verdict(late, 3_000).endswith("MISSED")
    reason = miss_reason(late, BASELINE, cores=2)
    assert reason.startswith("p99 21.5 ms > 15 ms")
    assert "allows" not in reason


def test_idle_cores_say_cpu_was_not_the_limit():
    waiting = case(1_000, 700, "get")  # 0.7 of 2 cores busy
    reason = miss_reason(waiting, BASELINE, cores=2)
    assert "only 35% busy: the answers waited on something other than CPU" in reason


@pytest.mark.parametrize(
    ("rps", "met"), [(35.3, False), (100.0, True)], ids=["missed", "met"]
)
def test_batch_reason_is_the_cpu_per_record(rps, met):
    batch = case(rps, 54_831, "batch", rows=1000, server=53_277)
    reason = miss_reason(batch, BASELINE, cores=2)
    if met:
        assert reason is None
        return
    assert "100,000 records/s on 2 cores allows 20 µs" in reason
    assert "a record cost 54.8 (the server 53.3, PostgreSQL 0.0, Redis 0.0)" in reason
    assert "the cores were 97% busy" in reason


def test_cheap_answers_on_idle_cores_are_not_blamed_on_cpu():
    held_back = case(1_500, 560, "get")  # cheaper than the baseline, 42% busy
    reason = miss_reason(held_back, BASELINE, cores=2)
    assert (
        "an answer cost 560 (the server 0, PostgreSQL 0, Redis 4): no more than that"
        in reason
    )
    assert "too many" not in reason
    assert "only 42% busy" in reason
