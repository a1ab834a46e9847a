"""CPU time per answer, by who spent it: the server measured, PostgreSQL, Redis,
and the whole machine (wrk and everything else included).

All of them share the machine's cores, so a server's requests/s is bounded by the
CPU its answers cost everyone: these figures say where that went. Read from
``/proc`` (Linux): each process's user and system time, summed over the server's
process tree or over every process of a service; the machine's busy time from
``/proc/stat``.
"""

from __future__ import annotations

import os
from pathlib import Path

TICK = os.sysconf("SC_CLK_TCK")
#: Process names (comm) of the services a server's answers may use.
SERVICES = {"postgres": "postgresql", "redis-server": "redis"}
PARTS = ("server", "postgresql", "redis", "machine")


def processes() -> dict[int, tuple[int, str, float]]:
    """Every process: its parent, name and CPU seconds so far, its own and its
    ended children's (so the time of a PostgreSQL backend that ends between two
    snapshots stays counted, in its parent's)."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            text = Path(entry.path, "stat").read_text()
        except OSError:  # gone meanwhile
            continue
        name = text[text.index("(") + 1 : text.rindex(")")]
        fields = text[text.rindex(")") + 2 :].split()
        # after the name: state, ppid, ..., utime (12th), stime, cutime, cstime
        seconds = sum(map(int, fields[11:15])) / TICK
        found[int(entry.name)] = (int(fields[1]), name, seconds)
    return found


def machine_busy() -> float:
    """CPU seconds the machine's cores have been busy (not idle, not waiting)."""
    values = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle, iowait = values[3], values[4]
    return (sum(values[:8]) - idle - iowait) / TICK


def snapshot(root: int) -> dict[str, float]:
    """CPU seconds so far of `root`'s process tree, of each service, and of the
    machine."""
    table = processes()
    spent = dict.fromkeys(PARTS, 0.0)
    for pid, (_, name, seconds) in table.items():
        if name in SERVICES:
            spent[SERVICES[name]] += seconds
        elif descends(pid, root, table):
            spent["server"] += seconds
    spent["machine"] = machine_busy()
    return spent


def descends(pid: int, root: int, table: dict) -> bool:
    while pid > 1:
        if pid == root:
            return True
        pid = table.get(pid, (0,))[0]
    return False


def per_answer(before: dict, after: dict, answers: int) -> dict[str, float]:
    """Microseconds of CPU per answer, by part, between two snapshots."""
    return {
        part: (after[part] - before[part]) / max(answers, 1) * 1e6 for part in PARTS
    }
