"""SQLite's WAL checkpointed by a thread of each worker (checkpoints_wal)."""

import logging
import os
import sqlite3
import threading
import time

import pytest
from django.db import connection

from predictions import checkpoints_wal
from predictions.checkpoints_wal import checkpoints_beside, checkpoints_stop
from predictions.tests.test_writerlock import file_connection
from predictions.writerlock import writer_turn

INTERVAL = 0.02


@pytest.fixture
def database(tmp_path):
    """A SQLite file in WAL mode whose writer never checkpoints by itself, and
    any checkpoints this test started, stopped after it."""
    path = str(tmp_path / "db.sqlite3")
    writer = sqlite3.connect(path, isolation_level=None)
    writer.execute("PRAGMA journal_mode=WAL")
    writer.execute("PRAGMA wal_autocheckpoint=0")
    writer.execute("CREATE TABLE log (id INTEGER PRIMARY KEY, answer TEXT)")
    yield path, writer
    checkpoints_stop(path)
    writer.close()


def in_the_file(path: str) -> int:
    """Rows in the database file itself: an immutable reader ignores the WAL."""
    reader = sqlite3.connect(f"file:{path}?immutable=1", uri=True)
    try:
        return reader.execute("SELECT COUNT(*) FROM log").fetchone()[0]
    except sqlite3.OperationalError:  # the table itself is still in the WAL
        return 0
    finally:
        reader.close()


def eventually(check, seconds: float = 5) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(INTERVAL)
    return False


def checkpointers() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.startswith("sqlite-checkpoint")]


def test_committed_rows_reach_the_database_file_without_the_writer(database):
    path, writer = database
    writer.executemany("INSERT INTO log (answer) VALUES (?)", [("drugY",)] * 50)
    time.sleep(10 * INTERVAL)
    assert in_the_file(path) == 0  # in the WAL only: nobody checkpointed

    checkpoints_beside(path, INTERVAL)

    assert eventually(lambda: in_the_file(path) == 50)
    writer.execute("INSERT INTO log (answer) VALUES ('drugX')")  # writes go on
    assert eventually(lambda: in_the_file(path) == 51)


def test_a_process_runs_one_checkpointer_per_database(database):
    path, _ = database
    before = len(checkpointers())
    for _ in range(5):
        checkpoints_beside(path, INTERVAL)
    assert len(checkpointers()) == before + 1
    assert checkpoints_wal._running[path][0] == os.getpid()

    checkpoints_stop(path)

    assert eventually(lambda: len(checkpointers()) == before)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="fork is POSIX")
def test_a_forked_worker_starts_its_own(database):
    """Threads do not survive a fork: a child of a process that checkpoints
    starts a checkpointer of its own on its first write."""
    path, _ = database
    checkpoints_beside(path, INTERVAL)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            before = len(checkpointers())
            checkpoints_beside(path, INTERVAL)
            os.write(write, f"{before} {len(checkpointers())}".encode())
        finally:
            os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 20) == b"0 1"


def test_a_failing_checkpoint_is_logged_once_and_tried_again(tmp_path, caplog):
    path = tmp_path / "db.sqlite3"
    path.write_bytes(b"not a database" * 100)
    with caplog.at_level(logging.WARNING, logger="drugsite.ops"):
        checkpoints_beside(str(path), INTERVAL)
        try:
            assert eventually(lambda: "checkpoint" in caplog.text)
            time.sleep(20 * INTERVAL)  # twenty more failures
        finally:
            checkpoints_stop(str(path))
    assert caplog.text.count("SQLite checkpoint of") == 1
    assert "not a database" in caplog.text
    assert path.read_bytes() == b"not a database" * 100  # nothing written to it


def test_no_database_is_created_where_there_is_none(tmp_path):
    path = str(tmp_path / "gone.sqlite3")
    checkpoints_beside(path, INTERVAL)
    try:
        time.sleep(10 * INTERVAL)
    finally:
        checkpoints_stop(path)
    assert not os.path.exists(path)


@pytest.mark.skipif(connection.vendor != "sqlite", reason="a SQLite database")
@pytest.mark.parametrize("milliseconds", [20, 0, -5])
def test_a_writers_turn_starts_the_checkpoints_unless_turned_off(
    tmp_path, settings, milliseconds
):
    settings.DRUGSITE_SQLITE_CHECKPOINT_MS = milliseconds
    path = str(tmp_path / "db.sqlite3")
    try:
        with writer_turn(file_connection(tmp_path)):
            pass
        assert (path in checkpoints_wal._running) is (milliseconds > 0)
    finally:
        checkpoints_stop(path)


def test_the_suites_own_database_is_checkpointed_only_if_it_is_a_sqlite_file(
    settings,
):
    settings.DRUGSITE_SQLITE_CHECKPOINT_MS = 20
    writer_turn(connection)
    name = str(connection.settings_dict["NAME"])
    in_file = connection.vendor == "sqlite" and not connection.is_in_memory_db()
    try:
        assert (name in checkpoints_wal._running) is in_file
    finally:
        checkpoints_stop(name)
