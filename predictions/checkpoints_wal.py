"""SQLite's WAL copied into the database file by a thread of each worker, beside
the writers rather than in their way.

In WAL mode a commit appends pages to ``<database>-wal``; a checkpoint copies
them back into the database file and syncs both files. By default the connection
whose commit takes the WAL past 1,000 pages runs that checkpoint at once, while
the writers of every worker wait on the writer's lock (predictions.writerlock)
for its copying and its two syncs. A thread per worker process runs a PASSIVE
checkpoint every ``DRUGSITE_SQLITE_CHECKPOINT_MS`` instead: it takes no writer's
lock and waits for no one, so the writers go on meanwhile. SQLite's own
checkpoint after 1,000 pages stays on, and now finds little left to copy; so
the WAL stays as small as before. A checkpoint is safe to interrupt: the thread
dies with its process.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading
from urllib.request import pathname2url

logger = logging.getLogger("drugsite.ops")

# database path -> (the pid whose thread checkpoints it, the event that stops it)
_running: dict[str, tuple[int, threading.Event]] = {}
_starting = threading.Lock()


def checkpoints_beside(path: str, interval: float) -> None:
    """Make sure this process checkpoints the WAL of the SQLite file `path` every
    `interval` seconds, in a thread of its own (started on first call, and again
    in a forked child)."""
    pid = os.getpid()
    if _running.get(path, (0,))[0] == pid:
        return
    with _starting:
        if _running.get(path, (0,))[0] == pid:
            return
        stop = threading.Event()
        thread = threading.Thread(
            target=checkpoint_until,
            args=(path, interval, stop),
            name=f"sqlite-checkpoint {os.path.basename(path)}",
            daemon=True,
        )
        thread.start()
        _running[path] = (pid, stop)


def checkpoints_stop(path: str) -> None:
    """Stop this process's checkpoints of `path` (a test's database, say)."""
    _, stop = _running.pop(path, (0, threading.Event()))
    stop.set()


def checkpoint_until(path: str, interval: float, stop: threading.Event) -> None:
    connection = None
    failing = False
    while not stop.wait(interval):
        try:
            if connection is None:
                # mode=rw: never create a database where none is. No busy
                # timeout: a PASSIVE checkpoint does not wait anyway.
                connection = sqlite3.connect(
                    f"file:{pathname2url(path)}?mode=rw",
                    uri=True,
                    timeout=0,
                    isolation_level=None,
                )
            connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            failing = False
        except sqlite3.Error as exc:
            if not failing:  # once per run of failures, not once per interval
                logger.warning(
                    "SQLite checkpoint of %s failed (%s): the writers' own "
                    "checkpoints go on; trying again",
                    path,
                    exc,
                )
            failing = True
            if connection is not None:
                connection.close()
                connection = None
    if connection is not None:
        connection.close()
