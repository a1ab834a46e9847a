"""The tokens a live server's workers keep (predictions.token_cache) are refused
by every worker as soon as another process revokes them or withdraws a role."""

import json
import urllib.error
import urllib.request

import pytest

from drugsite.tests.load import PATIENT

pytestmark = pytest.mark.system


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


def test_every_worker_refuses_a_token_revoked_by_another_process(live_stack):
    stack = live_stack(workers=2)
    token, _ = stack.user_with_token("revoked")
    assert statuses(stack, token) == {201}  # read once, then kept
    before = (stack.workdir / "db.sqlite3-accounts").stat().st_size

    stack.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        "from predictions.tokens import tokens_revoke; "
        "tokens_revoke(user=User.objects.get(username='revoked'))",
    )

    assert (stack.workdir / "db.sqlite3-accounts").stat().st_size > before
    assert statuses(stack, token) == {401}


def test_every_worker_refuses_a_role_withdrawn_by_another_process(live_stack):
    stack = live_stack(workers=2)
    token, _ = stack.user_with_token("withdrawn")
    assert statuses(stack, token) == {201}

    stack.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; "
        "User.objects.get(username='withdrawn').groups.clear()",
    )

    assert statuses(stack, token) == {403}
