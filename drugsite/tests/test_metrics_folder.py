"""The workers' metric folder removed under a running server (by a cleaner of
temporary files, say): every request is still answered, with its row, by the
workers running and by one the server respawns, and /metrics counts them."""

import json
import os
import shutil
import signal
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from drugsite.tests.load import LEGACY

pytestmark = pytest.mark.system

ANSWERED = "SELECT COUNT(*) FROM predictions_prediction WHERE outcome='answered'"


def status_of(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            assert "recommended_drug" in json.loads(response.read())
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def answered(stack, count: int) -> list[int]:
    """`count` GET /drug answers, sixteen at a time (enough for both workers)."""
    with ThreadPoolExecutor(16) as clients:
        return list(clients.map(status_of, [stack.url + LEGACY] * count))


def counted(stack) -> float:
    """The predictions /metrics counts, summed over its labels."""
    with urllib.request.urlopen(stack.url + "/metrics", timeout=10) as response:
        lines = response.read().decode().splitlines()
    return sum(
        float(line.rsplit(" ", 1)[1])
        for line in lines
        if line.startswith("drugsite_predictions_total{")
    )


def workers(stack) -> set[int]:
    pid = stack.process.pid
    return {
        int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    }


def test_removed_before_the_workers_counted_every_answer_is_given(live_stack):
    stack = live_stack(workers=2)
    folder = stack.workdir / "prometheus"
    shutil.rmtree(folder)

    before = stack.count(ANSWERED)
    statuses = answered(stack, 320)
    assert set(statuses) == {200}
    assert stack.count(ANSWERED) - before == len(statuses)  # one row per answer
    assert folder.is_dir()
    assert counted(stack) == len(statuses)
    assert "the metrics folder" in stack.log_text()
    assert "made anew" in stack.log_text()


def test_a_worker_respawned_after_it_was_removed_answers(live_stack):
    stack = live_stack(workers=2)
    folder = stack.workdir / "prometheus"
    assert set(answered(stack, 32)) == {200}
    first = workers(stack)
    assert len(first) == 2

    shutil.rmtree(folder)
    killed = min(first)
    os.kill(killed, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while len(workers(stack) - first) != 1 or killed in workers(stack):
        assert time.monotonic() < deadline, "the killed worker was not respawned"
        time.sleep(0.2)
    (new,) = workers(stack) - first

    before, statuses = stack.count(ANSWERED), []
    deadline = time.monotonic() + 60  # the new worker loads Django first
    while not any(folder.glob(f"*_{new}.db")) and time.monotonic() < deadline:
        statuses += answered(stack, 160)
    assert set(statuses) == {200}
    assert any(folder.glob(f"*_{new}.db")), "the respawned worker answered none"
    assert stack.count(ANSWERED) - before == len(statuses)
    assert counted(stack) > 0
