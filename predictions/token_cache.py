"""Tokens a worker has found, kept while no account has changed anywhere.

Reading a presented key's token, owner and permissions (predictions.token_lookup)
is a third of a one-record ``POST``'s work. A worker keeps what it read, by the
key's digest, for as long as the accounts' generation it read it in is current
(and ``DRUGSITE_TOKEN_CACHE_SECONDS`` at most). Every change that can refuse a
key bumps the generation once its transaction commits: a token made, changed or
deleted (revoked, expired, its account's password changed), an account saved or
deleted (deactivated, say), a group, a permission, or who is in which group and
holds which permission (predictions.signals). Every worker of every process
reads the generation before it uses a kept token, so a revoked key is refused
by the next request, whichever worker takes it.

On SQLite the generation is shared through the file system: a file beside the
database, one byte appended per change, its size (and inode) read by one
``stat``. On PostgreSQL it is shared by the database: the change's transaction
sends ``NOTIFY drugsite_accounts``, which PostgreSQL delivers to every listening
connection once it commits, on every host, and each worker process keeps one
such connection open (``Listener``), counting what it hears. Delivery is not
instant: a change reaches a worker when its listener's socket has the
notification (a worker that finds it there unread reads the token, so only
PostgreSQL's own delivery, well under a millisecond on one network, is left).
While its listener is not connected, or has not confirmed the connection in
the last seconds, a worker keeps nothing and reads every token; a new
connection is a new generation, so nothing said while it was gone is missed.
An in-memory SQLite database has no generation: every call reads the token.
``QuerySet.update`` and raw SQL send no signal: a change made that way reaches
the workers within the cache's seconds.

A kept token is read again once it has expired (knox then refuses and deletes
it), and each request gets copies of the token and its owner, not the kept ones.
"""

from __future__ import annotations

import copy
import itertools
import logging
import os
import select
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connections, transaction
from django.utils import timezone

logger = logging.getLogger("drugsite.ops")

SUFFIX = "-accounts"  # the generation's file, beside the SQLite database's
CHANNEL = "drugsite_accounts"  # PostgreSQL's notifications of a change
APPLICATION_NAME = "drugsite accounts listener"
HEARTBEAT = 2.0  # seconds between a listener's checks of its connection
#: The tests turn it off: a test's transaction is rolled back, never committed,
#: so no notification of what it changed would ever arrive.
LISTEN = True


def source(alias: str):
    """Where `alias`'s accounts generation is read and announced: a file beside
    a SQLite database, the process's listener on PostgreSQL; None if nothing is
    kept (an in-memory database, the cache turned off)."""
    if connections[alias].vendor == "postgresql":
        keeps = LISTEN and settings.DRUGSITE_TOKEN_CACHE_SECONDS > 0
        return listener(alias) if keeps else None
    path = generation_path(alias)
    return None if path is None else FileGeneration(path)


class FileGeneration:
    """The generation in a file beside the SQLite database."""

    def __init__(self, path: str) -> None:
        self.path = path

    def now(self) -> tuple | None:
        return generation(self.path)

    def announce(self, alias: str) -> None:
        """A new generation once the change commits. robust: the change is
        committed whatever happens to the file (Django logs the error); then
        kept tokens end within the cache's seconds."""
        path = self.path
        transaction.on_commit(lambda: bump(path), using=alias, robust=True)


def generation_path(alias: str) -> str | None:
    """The file holding `alias`'s accounts generation; None if there is none
    (PostgreSQL, an in-memory SQLite database, the cache turned off)."""
    connection = connections[alias]
    if settings.DRUGSITE_TOKEN_CACHE_SECONDS <= 0 or connection.vendor != "sqlite":
        return None
    if connection.is_in_memory_db():
        return None
    return str(connection.settings_dict["NAME"]) + SUFFIX


def generation(path: str) -> tuple[int, int] | None:
    """The accounts generation at `path`: the file's inode and size (a file made
    anew is another generation, whatever its size); None if it cannot be read,
    and then nothing is kept."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_ino, found.st_size


def bump(path: str) -> None:
    """A new generation: one byte appended (atomic between processes)."""
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, b".")
    finally:
        os.close(fd)


class TokenCache:
    """Found tokens by key digest, each with the generation it was read in."""

    def __init__(self, size: int = 1024) -> None:
        self.size = size
        self._kept: dict[str, tuple] = {}
        self._lock = threading.Lock()

    def get(self, digest: str, current: tuple):
        """A copy of the kept token (its ``.user`` a copy too), if it was read in
        the `current` generation, within the cache's seconds, and is unexpired."""
        kept = self._kept.get(digest)
        if kept is None:
            return None
        token, read_in, until = kept
        if read_in != current or time.monotonic() > until:
            self._kept.pop(digest, None)
            return None
        if token.expiry is not None and token.expiry < timezone.now():
            return None  # knox refuses it and deletes it
        found = copy.copy(token)
        found.user = copy.copy(token.user)
        return found

    def put(self, digest: str, token, read_in: tuple) -> None:
        """Keep `token`, read in generation `read_in` (read before the token)."""
        until = time.monotonic() + settings.DRUGSITE_TOKEN_CACHE_SECONDS
        kept = copy.copy(token)  # not the request's own objects, which it may change
        kept.user = copy.copy(token.user)
        with self._lock:
            if len(self._kept) >= self.size and digest not in self._kept:
                self._kept.clear()  # rare: more live keys than room; start again
            self._kept[digest] = (kept, read_in, until)

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


CACHE = TokenCache()


class Listener:
    """One process's connection listening to PostgreSQL's notifications of
    account changes, on a thread of its own. The generation is the connection's
    number (new for every connection, in the process) and a count that moves on
    whenever the socket has something to read (before it is read) and around
    each heartbeat: what was kept before a notification is never current after
    it."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self._lock = threading.Lock()
        self._pid = 0
        self._socket = -1  # the live connection's, while it listens
        self._generation = (0, 0)
        self._seen = 0.0  # when the connection last answered
        self._current: threading.Event | None = None  # the running thread's stop
        self._wake = (-1, -1)  # a pipe: a byte written ends the listener's wait
        self._thread: threading.Thread | None = None
        self.failures = 0  # connections failed in a row (the wait before the next)

    def now(self) -> tuple | None:
        """The generation, if the listener is connected, has heard from the
        database within the last heartbeats, and has nothing waiting unread."""
        if self._pid != os.getpid():
            self.start()
            return None
        fd = self._socket
        if fd < 0 or time.monotonic() - self._seen > 3 * HEARTBEAT:
            return None
        try:
            if select.select((fd,), (), (), 0)[0]:
                return None  # a notification (or the end) not yet counted
        except (OSError, ValueError):
            return None
        generation = self._generation  # after the socket: counted if it was read
        return generation if self._socket == fd else None

    def announce(self, alias: str) -> None:
        """Every listener hears of the change when its transaction commits;
        nothing if it is rolled back. Inside a transaction a failure fails the
        change with it; after a change committed on its own (autocommit) it is
        logged, and kept tokens end within the cache's seconds."""
        connection = connections[alias]
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"NOTIFY {CHANNEL}")
        except DatabaseError:
            if connection.in_atomic_block:
                raise
            logger.exception("accounts change not announced to the workers")

    def start(self) -> None:
        """Start listening in this process (again after a fork)."""
        with self._lock:
            if self._pid == os.getpid():
                return
            self._pid, self._socket, self.failures = os.getpid(), -1, 0
            self._current, self._wake = threading.Event(), os.pipe()
            self._thread = threading.Thread(
                target=self._run,
                args=(self._current, self._wake[0]),
                name=f"accounts-{self.alias}",
                daemon=True,
            )
            self._thread.start()

    def stop(self) -> None:
        """Stop this process's listener and close its connection (the tests do,
        before their database is dropped); the next ``now`` starts again."""
        with self._lock:
            if self._pid != os.getpid() or self._current is None:
                return  # none running in this process
            self._current.set()
            thread, wake = self._thread, self._wake
            self._socket, self._pid, self._current = -1, 0, None
            self._thread, self._wake = None, (-1, -1)
        os.write(wake[1], b".")
        thread.join(10)
        os.close(wake[1])

    def _publish(self, stopped: threading.Event, **values) -> None:
        """Set the shared state, if this thread is still the running one."""
        with self._lock:
            if self._current is stopped:
                for name, value in values.items():
                    setattr(self, name, value)

    def _run(self, stopped: threading.Event, wake: int) -> None:
        while not stopped.is_set():
            try:
                self._listen(stopped, wake)
            except Exception as exc:  # the database gone: keep nothing, try again
                if self.failures == 0:
                    logger.warning(
                        "accounts listener disconnected (%s): tokens are read on "
                        "every call until it is back",
                        exc,
                    )
                self.failures += 1
            if select.select((wake,), (), (), min(HEARTBEAT * self.failures, 30))[0]:
                break  # stopped
        os.close(wake)

    def _listen(self, stopped: threading.Event, wake: int) -> None:
        import psycopg

        params = connections[self.alias].get_connection_params()
        for key in ("cursor_factory", "context", "prepare_threshold"):
            params.pop(key, None)
        params["application_name"] = APPLICATION_NAME  # pg_stat_activity names it
        params.setdefault("connect_timeout", 5)
        with psycopg.connect(**params, autocommit=True) as conn:
            conn.add_notify_handler(lambda notify: None)  # none kept by psycopg
            conn.execute(f"LISTEN {CHANNEL}")
            pgconn, fd = conn.pgconn, conn.pgconn.socket
            number, events = next(CONNECTIONS), 0
            self.failures = 0
            self._publish(
                stopped,
                _generation=(number, events),
                _seen=time.monotonic(),
                _socket=fd,
            )
            try:
                while True:
                    readable = select.select((fd, wake), (), (), HEARTBEAT)[0]
                    if wake in readable:
                        return  # stopped
                    events += 1  # before reading: what was kept is older
                    self._publish(stopped, _generation=(number, events))
                    if readable:
                        pgconn.consume_input()  # raises if the connection ended
                        while pgconn.notifies() is not None:
                            pass
                    else:
                        conn.execute("SELECT 1")  # the connection still answers
                        events += 1  # what it read on the way is counted too
                        self._publish(stopped, _generation=(number, events))
                    self._publish(stopped, _seen=time.monotonic())
            finally:
                self._publish(stopped, _socket=-1)  # before the socket closes


CONNECTIONS = itertools.count(1)  # the listeners' connections, numbered
_listeners: dict[str, Listener] = {}
_listeners_lock = threading.Lock()


def listener(alias: str) -> Listener:
    """The process's listener for `alias` (started by its first ``now``)."""
    found = _listeners.get(alias)
    if found is None:
        with _listeners_lock:
            found = _listeners.setdefault(alias, Listener(alias))
    return found
