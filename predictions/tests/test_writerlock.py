"""SQLite's writer taken in turns across processes (predictions.writerlock)."""

import contextlib
import fcntl
import logging
import os
import subprocess
import sys
import time

import pytest
from django.db import connection
from django.db.backends.sqlite3.base import DatabaseWrapper

from predictions import writerlock
from predictions.writerlock import WriterLock, writer_turn

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def held_elsewhere(path, seconds: float) -> subprocess.Popen:
    """Another process holding the lock for `seconds`, once this returns."""
    process = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline() == "held\n"
    return process


def test_a_process_waits_while_another_holds_the_lock(tmp_path):
    path = tmp_path / "db.sqlite3-writer"
    other = held_elsewhere(path, 0.5)
    started = time.monotonic()
    with WriterLock(str(path)).held():
        waited = time.monotonic() - started
    other.wait(10)
    assert waited >= 0.3


def test_the_lock_is_free_once_released(tmp_path):
    lock = WriterLock(str(tmp_path / "db.sqlite3-writer"))
    with lock.held():
        pass
    other = held_elsewhere(lock.path, 0)  # would hang if this process still held it
    assert other.wait(10) == 0


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
def test_a_forked_worker_opens_its_own_lock(tmp_path):
    """flock belongs to an open file: a child using its parent's descriptor would
    share the parent's lock instead of waiting for it."""
    lock = WriterLock(str(tmp_path / "db.sqlite3-writer"))
    lock.fd()  # opened before the fork, as a preloading server might
    read, write = os.pipe()
    with lock.held():
        pid = os.fork()
        if pid == 0:  # the child: try to take the lock without waiting
            try:
                fcntl.flock(lock.fd(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                os.write(write, b"taken")
            except BlockingIOError:
                os.write(write, b"waits")
            os._exit(0)
        os.waitpid(pid, 0)
    assert os.read(read, 10) == b"waits"


def test_a_lock_file_that_cannot_be_opened_leaves_writes_to_sqlite(tmp_path, caplog):
    lock = WriterLock(str(tmp_path / "missing" / "db.sqlite3-writer"))
    entered = 0
    with caplog.at_level(logging.WARNING, logger="drugsite.ops"):
        for _ in range(3):
            with lock.held():
                entered += 1
    assert entered == 3
    assert caplog.text.count("cannot be opened") == 1  # once, not per write


def file_connection(tmp_path) -> DatabaseWrapper:
    return DatabaseWrapper(
        {**connection.settings_dict, "NAME": str(tmp_path / "db.sqlite3")}
    )


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite database")
def test_a_sqlite_file_is_written_in_turns(tmp_path, settings):
    settings.DRUGSITE_SQLITE_WRITER_LOCK = True
    settings.DRUGSITE_SQLITE_CHECKPOINT_MS = 0  # no database: nothing to copy
    other = held_elsewhere(tmp_path / "db.sqlite3-writer", 0.5)
    started = time.monotonic()
    with writer_turn(file_connection(tmp_path)):
        waited = time.monotonic() - started
    other.wait(10)
    assert waited >= 0.3
    assert str(tmp_path / "db.sqlite3-writer") in writerlock._locks


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite database")
def test_the_lock_can_be_turned_off(tmp_path, settings):
    settings.DRUGSITE_SQLITE_WRITER_LOCK = False
    settings.DRUGSITE_SQLITE_CHECKPOINT_MS = 0
    other = held_elsewhere(tmp_path / "db.sqlite3-writer", 5)
    try:
        started = time.monotonic()
        with writer_turn(file_connection(tmp_path)):
            assert time.monotonic() - started < 1
    finally:
        other.kill()
        other.wait(10)


def test_the_suites_database_has_a_lock_only_if_it_is_a_sqlite_file(settings):
    """In-memory SQLite and PostgreSQL have no file to take turns on."""
    settings.DRUGSITE_SQLITE_WRITER_LOCK = True
    in_file = connection.vendor == "sqlite" and not connection.is_in_memory_db()
    turn = writer_turn(connection)
    assert isinstance(turn, contextlib.nullcontext) is not in_file
