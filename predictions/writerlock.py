"""SQLite's writer, taken in turns by the processes that share a database file.

SQLite lets one connection write at a time. A connection that finds the write lock
taken does not wait for it to be released: its busy handler sleeps 1, 2, 5, 10 ms
and so on, and tries again. With several worker processes committing hundreds of
times a second, that sleep is where the slowest answers spent their time. The
group writers (predictions.groupcommit) of every process therefore queue on an
advisory lock on a file beside the database, ``<database>-writer``, which the
kernel hands to the next process the moment it is released. Writes made without
it (a management command, the admin) still meet SQLite's own lock and busy
timeout, as before: this lock only decides the order, never whether a write
happens. A file that cannot be opened leaves writes to SQLite's lock alone.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import threading

from django.conf import settings

from predictions.checkpoints_wal import checkpoints_beside

logger = logging.getLogger("drugsite.ops")

SUFFIX = "-writer"


class WriterLock:
    """An exclusive advisory lock on one file, opened once per process.

    flock's locks belong to an open file: every thread of a process shares this
    one, so the threads of one process must take turns by other means (the group
    writer's own lock does)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._fd: int | None = None
        self._pid = 0
        self._opening = threading.Lock()

    def fd(self) -> int | None:
        """This process's descriptor of the file; None if it cannot be opened."""
        pid = os.getpid()
        if self._pid != pid:  # not yet opened, or opened before a fork
            with self._opening:
                if self._pid != pid:
                    try:
                        # flock needs no write access: a file made by one
                        # account can be locked by the others that share it.
                        self._fd = os.open(self.path, os.O_RDONLY | os.O_CREAT, 0o644)
                    except OSError as exc:
                        logger.warning(
                            "SQLite writer lock %s cannot be opened (%s): writes "
                            "take turns by SQLite's busy timeout alone",
                            self.path,
                            exc,
                        )
                        self._fd = None
                    self._pid = pid
        return self._fd

    @contextlib.contextmanager
    def held(self):
        fd = self.fd()
        if fd is None:
            yield
            return
        fcntl.flock(fd, fcntl.LOCK_EX)  # waits without the GIL
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


_locks: dict[str, WriterLock] = {}
_locks_lock = threading.Lock()


def writer_turn(connection):
    """The writer's turn on `connection`'s database: for a SQLite file, a lock
    shared with the other processes; nothing to wait for otherwise. The file's
    WAL is checkpointed beside the writers (predictions.checkpoints_wal)."""
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        return contextlib.nullcontext()
    path = str(connection.settings_dict["NAME"])
    if settings.DRUGSITE_SQLITE_CHECKPOINT_MS > 0:
        checkpoints_beside(path, settings.DRUGSITE_SQLITE_CHECKPOINT_MS / 1000)
    if not settings.DRUGSITE_SQLITE_WRITER_LOCK:
        return contextlib.nullcontext()
    return writer_lock(path + SUFFIX).held()


def writer_lock(path: str) -> WriterLock:
    lock = _locks.get(path)
    if lock is None:
        with _locks_lock:
            lock = _locks.setdefault(path, WriterLock(path))
    return lock
