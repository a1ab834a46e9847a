"""Group commit: the log rows of requests served at once by one process are
written by one INSERT in one transaction, and each request gets its answer only
once that transaction has committed.

Durability is as without it: a request returns after its own rows are committed,
or fails. What is shared is the commit's cost (a round trip and, on PostgreSQL,
the WAL flush) and the statement's. There is no timer: a request that finds no
write in progress writes at once (it leads); requests that arrive during a write
queue, each waiting on a lock of its own. When the leader's write ends, it wakes
the requests it wrote, and the first of those queued since, which leads the next
write with every row queued by then. A waiting request wakes once, when it is
done or leads: waiting on one shared lock, each in turn took it only to find its
rows written, and under load (a worker's threads sharing one core) that queue
was most of a request's time. One request's bad rows cannot fail the others':
when a group's INSERT fails, each request's rows are tried again on their own.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager

from django.db import DatabaseError, connections

from predictions.writerlock import writer_turn

# connection, alias, model, rows, and the writer's turn, held only while writing
Insert = Callable[[object, str, type, list, AbstractContextManager], None]


class Pending:
    """One request's rows, waiting to be written; `wake`, held while it waits, is
    released when they are written or when this request is to lead."""

    __slots__ = ("done", "error", "rows", "wake")

    def __init__(self, rows: list) -> None:
        self.rows, self.done, self.error, self.wake = rows, False, None, None


class GroupCommit:
    """The process's writer of one model's rows to one database alias."""

    def __init__(self, alias: str, model: type, insert: Insert) -> None:
        self.alias, self.model, self.insert = alias, model, insert
        self._queue: list[Pending] = []
        self._queue_lock = threading.Lock()
        self._leading = False  # a request is writing, or about to
        self._writer = threading.Lock()  # held by the leader while it writes
        self.groups = self.rows = self.largest = 0  # for /metrics and the tests

    def write(self, rows: list) -> None:
        """Insert and commit `rows` (with any queued beside them); raise if they
        were not committed."""
        pending = Pending(rows)
        with self._queue_lock:
            self._queue.append(pending)
            follow = self._leading
            if follow:
                pending.wake = wake = threading.Lock()
                wake.acquire()
            self._leading = True
        if follow:
            wake.acquire()  # until written, or until this request leads
        if not pending.done:
            self._lead(pending)
        if pending.error is not None:  # one exception object, several threads
            raise copy.copy(pending.error) from pending.error

    def _lead(self, mine: Pending) -> None:
        """Write every queued request's rows; wake them, and the next leader."""
        group: list[Pending] = []
        try:
            with self._writer:
                with self._queue_lock:
                    group, self._queue = self._queue, []
                self._flush(group)
        finally:
            with self._queue_lock:
                if not mine.done and mine in self._queue:  # failed before writing
                    self._queue.remove(mine)
                successor = self._queue[0] if self._queue else None
                self._leading = successor is not None
            for pending in group:
                if pending.wake is not None and pending is not mine:
                    pending.wake.release()
            if successor is not None:
                successor.wake.release()

    def _flush(self, group: list[Pending]) -> None:
        connection = connections[self.alias]
        rows = [row for pending in group for row in pending.rows]
        try:
            try:
                # One statement (or, for many rows, insert_rows's own
                # transaction): committed as a whole in autocommit mode.
                self.insert(
                    connection, self.alias, self.model, rows, writer_turn(connection)
                )
            except DatabaseError as exc:
                if len(group) == 1:
                    group[0].error = exc
                else:
                    self._one_by_one(group)
            self.groups, self.rows = self.groups + 1, self.rows + len(rows)
            self.largest = max(self.largest, len(group))
        except BaseException as exc:  # not the database's: nothing is known written
            for pending in group:
                pending.error = pending.error or exc
            raise
        finally:
            for pending in group:
                pending.done = True

    def _one_by_one(self, group: list[Pending]) -> None:
        """After a failed group: each request's rows in a transaction of their own."""
        connection = connections[self.alias]
        for pending in group:
            for row in pending.rows:  # ids given by the failed attempt are void
                row.pk, row._state.adding = None, True
            try:
                self.insert(
                    connection,
                    self.alias,
                    self.model,
                    pending.rows,
                    writer_turn(connection),
                )
            except DatabaseError as exc:
                pending.error = exc


_writers: dict[tuple, GroupCommit] = {}
_writers_lock = threading.Lock()


def group_writer(alias: str, model: type, insert: Insert) -> GroupCommit:
    """The process's group writer of `model` to `alias`, made on first use."""
    writer = _writers.get((alias, model))
    if writer is None:
        with _writers_lock:
            writer = _writers.setdefault(
                (alias, model), GroupCommit(alias, model, insert)
            )
    return writer
