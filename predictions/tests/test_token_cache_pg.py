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
from predictions import authentication, token_cache
from predictions.tests.lane_calls import call
from predictions.tokens import token_create, tokens_revoke

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("flushable", "kept_connection"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="PostgreSQL's notifications"
    ),
]
API = "/api/v1/predictions/"
PATIENT = b'{"age": 60, "sex": "F", "bp": "HIGH", "cholesterol": "HIGH", "na_to_k": 20}'


def wait_for(condition, seconds: float = 10.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = condition()
        if found:
            return found
        time.sleep(0.01)
    raise AssertionError("not within the time allowed")


@pytest.fixture
def listening(monkeypatch):
    """The process's listener, turned on and connected; stopped after."""
    monkeypatch.setattr(token_cache, "LISTEN", True)
    token_cache.CACHE.clear()
    found = token_cache.listener("default")
    wait_for(lambda: found.now() is not None)
    yield found
    found.stop()
    token_cache.CACHE.clear()


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """Each read of a token from the database, by key prefix."""
    found = []
    real = authentication.tokens_with_owners

    def counted(prefix, checked=True):
        found.append(prefix)
        return real(prefix, checked=checked)

    monkeypatch.setattr(authentication, "tokens_with_owners", counted)
    return found


@pytest.fixture
def key(user) -> str:
    return token_create(user=user)[1]


def post(key: str) -> str:
    return call(wsgi.application, API, body=PATIENT, AUTHORIZATION=f"Token {key}")[0]


def posts_reading_once(key: str, reads: list, listening) -> None:
    """Five calls in one generation read the token once (a heartbeat between
    them starts a new generation: then the five are made again)."""
    for _ in range(3):
        before, generation = len(reads), listening.now()
        statuses = [post(key) for _ in range(5)]
        if listening.now() == generation:
            assert statuses == ["201 Created"] * 5
            assert len(reads) - before <= 1
            return
    raise AssertionError("no five calls within one generation")


def listeners() -> int:
    """The listening connections PostgreSQL has, by their application name."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s",
            [token_cache.APPLICATION_NAME],
        )
        return cursor.fetchone()[0]


def test_a_kept_token_is_read_once(active_model, key, reads, listening):
    posts_reading_once(key, reads, listening)
    assert listeners() == 1


def test_a_token_revoked_here_is_refused_by_the_next_call(
    active_model, user, key, reads, listening
):
    posts_reading_once(key, reads, listening)

    tokens_revoke(user=user)  # committed: PostgreSQL notifies every listener

    assert post(key) == "401 Unauthorized"


def test_a_change_on_another_connection_is_refused_once_heard(
    active_model, user, key, reads, listening
):
    posts_reading_once(key, reads, listening)
    generation = listening.now()

    def withdraw() -> None:  # another thread: another connection, committed
        user.groups.clear()
        connections.close_all()

    thread = threading.Thread(target=withdraw)
    thread.start()
    thread.join()

    wait_for(lambda: listening.now() not in (None, generation))
    assert post(key) == "403 Forbidden"


def test_a_permission_taken_from_the_role_is_refused_by_the_next_call(
    active_model, user, key, reads, listening
):
    posts_reading_once(key, reads, listening)

    for group in Group.objects.filter(user=user):
        group.permissions.clear()

    assert post(key) == "403 Forbidden"


@pytest.fixture
def slow_heartbeat(monkeypatch):
    """No heartbeat during the test: the generation moves on only for a change."""
    monkeypatch.setattr(token_cache, "HEARTBEAT", 30.0)


def test_nothing_is_announced_before_the_change_commits(
    active_model, user, key, slow_heartbeat, listening
):
    before = listening.now()
    with transaction.atomic():
        tokens_revoke(user=user)
        time.sleep(0.3)
        assert listening.now() == before  # still in its transaction

    wait_for(lambda: listening.now() not in (None, before))
    assert post(key) == "401 Unauthorized"


def test_a_listener_cut_off_keeps_nothing_and_comes_back_anew(
    active_model, key, reads, listening, monkeypatch
):
    monkeypatch.setattr(token_cache, "HEARTBEAT", 0.2)  # reconnects sooner
    posts_reading_once(key, reads, listening)
    generation = listening.now()

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE application_name = %s",
            [token_cache.APPLICATION_NAME],
        )
    wait_for(lambda: listening.now() is None, 5)
    before = len(reads)
    assert [post(key) for _ in range(3)] == ["201 Created"] * 3
    assert len(reads) - before == 3  # nothing kept while it is gone

    back = wait_for(listening.now, 15)
    assert back[0] > generation[0]  # a new connection: a new generation
    assert post(key) == "201 Created"
    assert len(reads) - before == 4  # what was kept before it is not used
