"""drugsite.cpus: each worker of the server bound to a core of its own."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drugsite import cpus, serve
from drugsite.tests.live import BASE

CPUS = sorted(os.sched_getaffinity(0))
HOLD = """
import sys, time
from drugsite.cpus import claim
slot, fd = claim(sys.argv[1])
print(slot, flush=True)
time.sleep(60)
"""
PIN = """
import os, sys, threading
from drugsite.cpus import pin_worker
ready, go = threading.Event(), threading.Event()
def early():
    ready.set()
    go.wait()
before = threading.Thread(target=early)
before.start()
ready.wait()
cpu = pin_worker(sys.argv[1])
go.set()
later = []
after = threading.Thread(target=lambda: later.append(os.sched_getaffinity(0)))
after.start()
after.join()
tids = os.listdir("/proc/self/task")
masks = {tuple(sorted(os.sched_getaffinity(int(t)))) for t in tids}
print(cpu, sorted(masks), sorted(later[0]))
"""


def holder(folder: Path) -> tuple[subprocess.Popen, int]:
    """A process that holds the first free slot of `folder`, and that slot."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(folder)],
        cwd=BASE,
        stdout=subprocess.PIPE,
        text=True,
    )
    return process, int(process.stdout.readline())


def worker_cpus(pid: int) -> dict[int, set]:
    """Each worker of a server: the CPUs its threads are bound to."""
    found = {}
    for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
        masks = set()
        try:
            for tid in os.listdir(f"/proc/{child}/task"):
                try:
                    masks.add(tuple(sorted(os.sched_getaffinity(int(tid)))))
                except ProcessLookupError:
                    continue  # a thread that ended since the listing
        except FileNotFoundError:
            continue  # a worker that ended since the listing (the killed one)
        found[int(child)] = masks
    return found


@pytest.mark.parametrize(
    ("setting", "workers", "usable", "bound"),
    [
        ("auto", 2, [0, 1], True),  # the workers have the whole machine
        ("auto", 4, [0, 1], True),
        ("auto", 1, [0, 1], False),  # a worker's threads may use both cores
        ("auto", 2, [0], False),  # one core: nothing to choose
        ("1", 1, [0, 1, 2, 3], True),
        ("0", 4, [0, 1], False),
        ("", 4, [0, 1], False),
    ],
)
def test_when_the_workers_are_bound(monkeypatch, setting, workers, usable, bound):
    monkeypatch.setattr(cpus, "usable_cpus", lambda: usable)
    assert cpus.wanted({"WEB_PIN_CPUS": setting}, workers) is bound


def test_the_server_makes_a_folder_of_slots_only_when_it_binds(monkeypatch, tmp_path):
    monkeypatch.setattr(cpus, "usable_cpus", lambda: [0, 1])
    run = serve.prometheus_folder({"PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "run")})
    folder = serve.cpu_slots_folder({"WEB_CONCURRENCY": "2"}, run)
    assert folder == str(tmp_path / "run" / "cpu-slots")  # emptied with the run's
    assert Path(folder).is_dir()
    assert not list(Path(folder).iterdir())
    off = {"WEB_CONCURRENCY": "2", "WEB_PIN_CPUS": "0"}
    assert serve.cpu_slots_folder({"WEB_CONCURRENCY": "1"}, run) is None
    assert serve.cpu_slots_folder(off, run) is None


def test_each_process_takes_a_slot_of_its_own_and_a_dead_ones_is_taken_again(
    tmp_path,
):
    held = [holder(tmp_path) for _ in range(3)]
    try:
        assert sorted(slot for _, slot in held) == [0, 1, 2]
        process, slot = held[1]
        process.send_signal(signal.SIGKILL)  # the kernel releases its lock
        process.wait()
        held[1] = holder(tmp_path)
        assert held[1][1] == slot
        held.append(holder(tmp_path))
        assert held[-1][1] == 3
    finally:
        for process, _ in held:
            process.kill()
            process.wait()


def test_a_worker_binds_its_threads_and_those_they_start_to_its_slots_cpu(tmp_path):
    out = subprocess.run(
        [sys.executable, "-c", PIN, str(tmp_path)],
        cwd=BASE,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    if len(CPUS) < 2:  # nothing to choose: left as it was
        assert out.startswith("None ")
        return
    cpu, masks, later = out.split(" ", 1)[0], *out.split(" ", 1)[1].rsplit(" [", 1)
    assert int(cpu) == CPUS[0]  # slot 0: the first usable CPU
    assert masks == f"[({CPUS[0]},)]"  # every thread, the one started before too
    assert later.strip() == f"{CPUS[0]}]"  # and one started after


def test_without_a_folder_nothing_is_bound(monkeypatch):
    monkeypatch.delenv(cpus.SLOTS_DIR, raising=False)
    before = os.sched_getaffinity(0)
    assert cpus.pin_worker() is None
    assert os.sched_getaffinity(0) == before


@pytest.mark.system
def test_the_servers_workers_run_on_cores_of_their_own_and_a_respawned_one_on_its(
    live_stack,
):
    assert len(CPUS) >= 2, "the system tests run on 2 cores or more"
    stack = live_stack(workers=len(CPUS))
    pid = stack.process.pid
    deadline = time.monotonic() + 60
    while True:  # ready once one worker answers; the others may still be loading
        bound = worker_cpus(pid)
        single = [m for m in bound.values() if len(m) == 1 and len(next(iter(m))) == 1]
        if len(single) == len(CPUS) or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert len(bound) == len(CPUS)
    assert all(len(masks) == 1 for masks in bound.values())  # one mask per worker
    assert sorted(next(iter(m)) for m in bound.values()) == [(c,) for c in CPUS]

    victim, (mask,) = next(iter(bound.items()))
    os.kill(victim, signal.SIGKILL)  # granian respawns a failed worker
    deadline = time.monotonic() + 60
    while True:  # until the new worker has loaded the application: bound
        now = worker_cpus(pid)
        single = [m for m in now.values() if len(m) == 1 and len(next(iter(m))) == 1]
        if victim not in now and len(single) == len(CPUS):
            break
        assert time.monotonic() < deadline, stack.log_text()
        time.sleep(0.2)
    (new,) = set(now) - set(bound)
    assert now[new] == {mask}  # the freed slot, so the same CPU
    stack.wait_ready()
