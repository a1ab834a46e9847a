"""Tokens kept by a worker on PostgreSQL (predictions.token_cache.Listener): read
once while the process's listener hears of every change, refused by the next call
once a change has been announced, and read on every call while the listener is
not connected. Changes here commit (transactional tests): PostgreSQL delivers a
notification only then."""

import threading
import time

import pytest
from django.contrib.auth.models import Group
from django.db import connection, connections, transaction

from drugsite import wsgi
from predictions import token_cache
from predictions.tests.lane_calls import token_post
from predictions.tokens import tokens_revoke

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable", "kept_connection"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's notifications"
    ),
]


def wait_for(condition, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.01)
    raise AssertionError("not within the time allowed")


@pytest.fixture
def heartbeat() -> float:
    """Seconds between the listener's heartbeats: none during most tests, so that
    the generation moves on only for what arrives on its socket."""
    return 30.0


@pytest.fixture
def listening(monkeypatch, heartbeat):
    """The process's listener, turned on and connected; stopped after."""
    monkeypatch.setattr(token_cache, "LISTEN", True)
    monkeypatch.setattr(token_cache, "HEARTBEAT", heartbeat)
    token_cache.CACHE.clear()
    found = token_cache.listener("default")
    wait_for(lambda: found.now() is not None)
    yield found
    found.stop()
    token_cache.CACHE.clear()


def post(key: str) -> str:
    return token_post(wsgi.application, key)


def posts_reading_once(key: str, token_reads: list, listening) -> tuple:
    """Five calls in one generation read the token once; that generation."""
    before, generation = len(token_reads), listening.now()
    assert [post(key) for _ in range(5)] == ["201 Created"] * 5
    assert listening.now() == generation
    assert len(token_reads) - before == 1
    return generation


def heard(listening, generation: tuple) -> None:
    """Wait until the listener has read what arrived after `generation`."""
    wait_for(lambda: listening.now() not in (None, generation))


def listeners() -> int:
    """The listening connections to the tests' database, by application name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s "
            "AND datname = current_database()",
            [token_cache.APPLICATION_NAME],
        )
        return cursor.fetchone()[0]


def test_a_kept_token_is_read_once(active_model, key, token_reads, listening):
    posts_reading_once(key, token_reads, listening)
    assert listeners() == 1


def test_a_revoked_token_is_refused_once_heard(
    active_model, user, key, token_reads, listening
):
    generation = posts_reading_once(key, token_reads, listening)

    tokens_revoke(user=user)  # committed: PostgreSQL notifies every listener

    heard(listening, generation)
    assert post(key) == "401 Unauthorized"


def test_a_change_on_another_connection_is_refused_once_heard(
    active_model, user, key, token_reads, listening
):
    generation = posts_reading_once(key, token_reads, listening)

    def withdraw() -> None:  # another thread: another connection, committed
        user.groups.clear()
        connections.close_all()

    thread = threading.Thread(target=withdraw)
    thread.start()
    thread.join()

    heard(listening, generation)
    assert post(key) == "403 Forbidden"


def test_a_permission_taken_from_the_role_is_refused_once_heard(
    active_model, user, key, token_reads, listening
):
    generation = posts_reading_once(key, token_reads, listening)

    for group in Group.objects.filter(user=user):
        group.permissions.clear()

    heard(listening, generation)
    assert post(key) == "403 Forbidden"


def test_a_notification_arrived_but_not_yet_read_ends_what_is_kept(
    active_model, key, token_reads, listening
):
    generation = posts_reading_once(key, token_reads, listening)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_notify(%s, '')", [token_cache.CHANNEL])
    # What a worker sees between the notification's arrival and its count.
    with listening._lock:  # the listener cannot publish what it reads
        time.sleep(0.2)
        assert listening.now() is None
        before = len(token_reads)
        assert post(key) == "201 Created"
        assert len(token_reads) - before == 1  # read, not taken from the cache
    heard(listening, generation)


def test_nothing_is_announced_before_the_change_commits(
    active_model, user, key, listening
):
    before = listening.now()
    with transaction.atomic():
        tokens_revoke(user=user)
        time.sleep(0.3)
        assert listening.now() == before  # still in its transaction

    heard(listening, before)
    assert post(key) == "401 Unauthorized"


@pytest.mark.parametrize("heartbeat", [2.0])  # it reconnects after one
def test_a_listener_cut_off_keeps_nothing_and_comes_back_anew(
    active_model, key, token_reads, listening
):
    generation = posts_reading_once(key, token_reads, listening)

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s AND datname = current_database()",
            [token_cache.APPLICATION_NAME],
        )
    wait_for(lambda: listening.now() is None, 5)
    before = len(token_reads)
    assert [post(key) for _ in range(3)] == ["201 Created"] * 3
    assert len(token_reads) - before == 3  # nothing kept while it is gone

    back = wait_for(listening.now, 15)
    assert back[0] > generation[0]  # a new connection: a new generation
    assert post(key) == "201 Created"
    assert len(token_reads) - before == 4  # what was kept before it is not used
