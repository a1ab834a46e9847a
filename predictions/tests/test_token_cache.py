"""Tokens kept by a worker (predictions.token_cache): read once, refused at once
when anything that could refuse them changes, and never kept past an expiry.

The tests' database is in memory, where there is no file to share a generation
through: each test here gives the cache a generation file of its own. A live
server's workers, sharing the real one, are tested in test_token_cache_live.py.
"""

import time

import pytest
from django.contrib.auth.models import Group

from drugsite import wsgi
from predictions import authentication, token_cache
from predictions.roles import PREDICT
from predictions.tests.lane_calls import token_post
from predictions.tokens import token_create, tokens_revoke

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("kept_connection")]
API = "/api/v1/predictions/"


@pytest.fixture
def generation_file(tmp_path, monkeypatch):
    path = tmp_path / "db.sqlite3-accounts"
    generation = token_cache.FileGeneration(str(path))
    monkeypatch.setattr(token_cache, "source", lambda alias: generation)
    token_cache.bump(str(path))
    token_cache.CACHE.clear()
    yield path
    token_cache.CACHE.clear()


def post(key: str) -> str:
    return token_post(wsgi.application, key)


def test_a_kept_token_is_read_once(active_model, key, generation_file, token_reads):
    assert [post(key) for _ in range(5)] == ["201 Created"] * 5
    assert len(token_reads) == 1


def test_the_views_read_is_kept_too(
    active_model, key, generation_file, token_reads, client
):
    headers = {"HTTP_AUTHORIZATION": f"Token {key}"}
    statuses = [client.get(API, **headers).status_code for _ in range(3)]

    assert statuses == [200, 200, 200]
    assert len(token_reads) == 1


def test_a_revoked_token_is_refused_by_the_next_call(
    active_model, user, key, generation_file, django_capture_on_commit_callbacks
):
    assert post(key) == "201 Created"

    with django_capture_on_commit_callbacks(execute=True):
        tokens_revoke(user=user)

    assert post(key) == "401 Unauthorized"


def test_nothing_is_bumped_before_the_change_commits(
    active_model, user, key, generation_file, django_capture_on_commit_callbacks
):
    before = generation_file.stat().st_size
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        tokens_revoke(user=user)
    assert generation_file.stat().st_size == before  # still in its transaction

    for callback in callbacks:
        callback()
    assert generation_file.stat().st_size > before


def test_a_deactivated_account_is_refused_by_the_next_call(
    active_model, user, key, generation_file, django_capture_on_commit_callbacks
):
    assert post(key) == "201 Created"

    with django_capture_on_commit_callbacks(execute=True):
        user.is_active = False
        user.save()

    assert post(key) == "401 Unauthorized"


def test_a_withdrawn_role_is_refused_by_the_next_call(
    active_model, user, key, generation_file, django_capture_on_commit_callbacks
):
    assert post(key) == "201 Created"

    with django_capture_on_commit_callbacks(execute=True):
        user.groups.clear()

    assert post(key) == "403 Forbidden"


def test_a_permission_taken_from_the_role_is_refused_by_the_next_call(
    active_model, user, key, generation_file, django_capture_on_commit_callbacks
):
    assert post(key) == "201 Created"

    with django_capture_on_commit_callbacks(execute=True):
        for group in Group.objects.filter(user=user):
            group.permissions.clear()

    assert post(key) == "403 Forbidden"


def test_a_change_in_another_process_ends_what_is_kept(
    active_model, key, generation_file, token_reads
):
    post(key)
    token_cache.bump(str(generation_file))  # as another worker's commit does

    assert post(key) == "201 Created"
    assert len(token_reads) == 2


def test_a_kept_token_is_not_used_past_its_expiry(active_model, user, generation_file):
    token, key = token_create(user=user, hours=0.4 / 3600)
    assert post(key) == "201 Created"

    time.sleep(0.5)

    assert post(key) == "401 Unauthorized"
    assert not type(token).objects.filter(pk=token.pk).exists()  # knox deleted it


def test_a_change_without_signals_reaches_the_workers_within_the_seconds(
    active_model, user, key, generation_file, settings
):
    settings.DRUGSITE_TOKEN_CACHE_SECONDS = 0.3
    assert post(key) == "201 Created"

    type(user).objects.filter(pk=user.pk).update(is_active=False)  # no signal
    assert post(key) == "201 Created"  # the kept token, as documented
    time.sleep(0.35)

    assert post(key) == "401 Unauthorized"


def test_each_call_gets_its_own_copies(active_model, key, generation_file):
    digest = authentication.hash_token(key)
    post(key)

    now = token_cache.generation(str(generation_file))
    first = token_cache.CACHE.get(digest, now)
    second = token_cache.CACHE.get(digest, now)

    assert first.pk == second.pk
    assert first is not second
    assert first.user is not second.user
    assert first.user.has_perm(PREDICT)  # the permissions read with it


def test_a_full_cache_starts_again(generation_file, user, settings):
    cache = token_cache.TokenCache(size=2)
    token, _ = token_create(user=user)
    for digest in ("a", "b", "c"):
        cache.put(digest, token, (1, 1))

    assert cache.get("a", (1, 1)) is None
    assert cache.get("c", (1, 1)).pk == token.pk


def test_a_generation_file_made_anew_is_a_new_generation(generation_file):
    before = token_cache.generation(str(generation_file))
    size = generation_file.stat().st_size
    generation_file.rename(generation_file.with_suffix(".old"))  # kept: no inode reuse
    for _ in range(size):
        token_cache.bump(str(generation_file))

    now = token_cache.generation(str(generation_file))
    assert now[1] == before[1]  # the same size
    assert now != before


def test_there_is_no_generation_without_a_sqlite_file(settings):
    # The tests' database is in memory (and on the CI's second run PostgreSQL,
    # whose listener only its own tests turn on): nothing to share a generation
    # through, so every call reads its token.
    assert token_cache.generation_path("default") is None
    assert token_cache.source("default") is None
    settings.DRUGSITE_TOKEN_CACHE_SECONDS = 0
    assert token_cache.generation_path("default") is None
