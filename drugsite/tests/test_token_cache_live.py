"""The tokens a live server's workers keep (predictions.token_cache) are refused
by every worker as soon as another process revokes them or withdraws a role: on
SQLite through the generation file, on PostgreSQL through its notifications."""

import json
import urllib.error
import urllib.request

import pytest

from drugsite.tests.load import PATIENT
from predictions.token_cache import APPLICATION_NAME

pytestmark = pytest.mark.system
DATABASES = pytest.mark.parametrize("database", ["sqlite", "postgres"])


def post(stack, token: str) -> int:
    request = urllib.request.Request(
        stack.url + "/api/v1/predictions/",
        data=json.dumps(PATIENT).encode(),
        method="POST",
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as exc:
        return exc.code


def statuses(stack, token: str, count: int = 40) -> set[int]:
    return {post(stack, token) for _ in range(count)}  # spread over both workers


def listening(stack) -> int:
    """The workers' listeners connected to the stack's PostgreSQL database."""
    return stack.count(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
        f"AND application_name = '{APPLICATION_NAME}'"
    )


@DATABASES
def test_every_worker_refuses_a_token_revoked_by_another_process(live_stack, database):
    stack = live_stack(workers=2, database=database)
    token, _ = stack.user_with_token("revoked")
    assert statuses(stack, token) == {201}  # read once, then kept
    generation = stack.workdir / "db.sqlite3-accounts"
    before = generation.stat().st_size if database == "sqlite" else 0
    if database == "postgres":
        assert listening(stack) >= 1  # one per worker that has read a token

    stack.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        "from predictions.tokens import tokens_revoke; "
        "tokens_revoke(user=User.objects.get(username='revoked'))",
    )

    if database == "sqlite":
        assert generation.stat().st_size > before
    assert statuses(stack, token) == {401}


@DATABASES
def test_every_worker_refuses_a_role_withdrawn_by_another_process(live_stack, database):
    stack = live_stack(workers=2, database=database)
    token, _ = stack.user_with_token("withdrawn")
    assert statuses(stack, token) == {201}

    stack.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        "User.objects.get(username='withdrawn').groups.clear()",
    )

    assert statuses(stack, token) == {403}
