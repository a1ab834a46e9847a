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

The generation is shared through the file system: a file beside the SQLite
database, one byte appended per change, its size (and inode) read by one
``stat``. So the
cache works where the database is a SQLite file (one host); on PostgreSQL, or
an in-memory database, every call reads the token (a shared generation there
would cost the round trip it saves). ``QuerySet.update`` and raw SQL send no
signal: a change made that way reaches the workers within the cache's seconds.

A kept token is read again once it has expired (knox then refuses and deletes
it), and each request gets copies of the token and its owner, not the kept ones.
"""

from __future__ import annotations

import copy
import os
import threading
import time

from django.conf import settings
from django.db import connections
from django.utils import timezone

SUFFIX = "-accounts"  # the generation's file, beside the SQLite database's


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
