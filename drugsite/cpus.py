"""Each worker process of drugsite's server on a core of its own.

A worker's threads take turns at one GIL. Spread over several cores, a turn handed
from a thread on one core to a thread waiting on another wakes that core, and the
first one often idles meanwhile. On the 2-core benchmark machine, two workers of
eight threads each, bound one to each core, served `GET /drug` on SQLite at
3,300 req/s instead of 2,700 (idle cores 2 % instead of 11 %, p99 11 ms instead
of 16) and on PostgreSQL at 1,975 instead of 1,490; the tutorial's one-thread
gunicorn workers bound the same way served 1 to 4 % more, within the noise.

``drugsite.serve`` decides (``WEB_PIN_CPUS``: ``auto``, the default, binds when
there are at least as many workers as usable CPUs, so that the workers have the
whole machine; ``1`` always; ``0`` never) and makes a folder of slots,
``DRUGSITE_CPU_SLOTS_DIR``, in the run's own folder (the metrics'). Each worker,
as it loads the application, takes the first free slot by an exclusive lock on
the slot's file, which the kernel releases when the worker exits (a respawned
worker takes its predecessor's), and binds its threads, and so every thread they
start later, to that slot's CPU: slot k to the k-th usable CPU, round the list.
"""

from __future__ import annotations

import fcntl
import logging
import os

logger = logging.getLogger("drugsite.ops")

SLOTS_DIR = "DRUGSITE_CPU_SLOTS_DIR"
_held: list[int] = []  # the slot's file: its lock lasts as long as the process


def wanted(env: dict, workers: int) -> bool:
    """Whether a server of `workers` processes binds each to a CPU."""
    value = env.get("WEB_PIN_CPUS", "auto").strip().lower()
    if value == "auto":
        return workers >= len(usable_cpus()) > 1
    return value not in ("", "0")


def usable_cpus() -> list[int]:
    if not hasattr(os, "sched_getaffinity"):
        return []
    return sorted(os.sched_getaffinity(0))


def pin_worker(folder: str | None = None) -> int | None:
    """Bind this process's threads to the CPU of the first free slot in `folder`
    (``DRUGSITE_CPU_SLOTS_DIR`` unless given); the CPU, or None if not bound."""
    folder = folder or os.environ.get(SLOTS_DIR)
    cpus = usable_cpus()
    if not folder or len(cpus) < 2 or _held:
        return None
    try:
        slot, fd = claim(folder)
    except OSError as exc:
        logger.warning("worker %d not bound to a CPU: %s", os.getpid(), exc)
        return None
    cpu = cpus[slot % len(cpus)]
    try:
        bind_threads({cpu})
    except OSError as exc:
        os.close(fd)  # the slot is free again
        logger.warning("worker %d not bound to CPU %d: %s", os.getpid(), cpu, exc)
        return None
    _held.append(fd)
    logger.info("worker %d bound to CPU %d (slot %d)", os.getpid(), cpu, slot)
    return cpu


def claim(folder: str) -> tuple[int, int]:
    """The first slot no live process holds, and its locked file."""
    slot = 0
    while True:
        path = os.path.join(folder, f"slot-{slot}")
        fd = os.open(path, os.O_RDONLY | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            slot += 1
            continue
        return slot, fd


def bind_threads(cpus: set[int]) -> None:
    """Bind every thread of this process to `cpus`; threads started later by
    any of them inherit it."""
    for tid in os.listdir("/proc/self/task"):
        try:
            os.sched_setaffinity(int(tid), cpus)
        except ProcessLookupError:  # the thread has ended
            continue
