"""The tokens a live server's workers keep (predictions.token_cache) are refused
by every worker as soon as another process revokes them or withdraws a role: on
SQLite through the generation file, on PostgreSQL through its notifications."""

import json
import time
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


def kept_by_both_workers(stack, token: str, database: str) -> None:
    """Calls until each worker has read the token, and, on PostgreSQL, listens
    (a worker starts listening when it first reads a token)."""
    for _ in range(10):
        assert statuses(stack, token) == {201}
        if database == "sqlite" or listening(stack) == 2:
            return
    raise AssertionError("a worker never took a call")


def refused(stack, token: str, status: int) -> set[int]:
    """Once one call is refused (on PostgreSQL the workers hear of a change
    within milliseconds of its commit), what forty more get."""
    deadline = time.monotonic() + 5
    while post(stack, token) != status and time.monotonic() < deadline:
        time.sleep(0.01)
    return statuses(stack, token)


@DATABASES
def test_every_worker_refuses_a_token_revoked_by_another_process(live_stack, database):
    stack = live_stack(workers=2, database=database)
    token, _ = stack.user_with_token("revoked")
    kept_by_both_workers(stack, token, database)
    generation = stack.workdir / "db.sqlite3-accounts"
    before = generation.stat().st_size if database == "sqlite" else 0

    stack.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        "from predictions.tokens import tokens_revoke; "
        "tokens_revoke(user=User.objects.get(username='revoked'))",
    )

    if database == "sqlite":
        assert generation.stat().st_size > before
        assert statuses(stack, token) == {401}  # the next call, each worker
    else:
        assert refused(stack, token, 401) == {401}


@DATABASES
def test_every_worker_refuses_a_role_withdrawn_by_another_process(live_stack, database):
    stack = live_stack(workers=2, database=database)
    token, _ = stack.user_with_token("withdrawn")
    kept_by_both_workers(stack, token, database)

    stack.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        "User.objects.get(username='withdrawn').groups.clear()",
    )

    if database == "sqlite":
        assert statuses(stack, token) == {403}
    else:
        assert refused(stack, token, 403) == {403}
