"""Two server processes on one PostgreSQL database: an activation and a rollback
made through the API of one are served by every worker of the other within 5 s,
and both are in the change history."""

import json
import shutil
import time
import urllib.request

import pytest

REFRESH = {"ML_MODEL_REFRESH_SECONDS": "2"}


@pytest.fixture
def pair(live_stack):
    """Two hosts (two workers each) sharing one PostgreSQL database."""
    first = live_stack(workers=2, database="postgres", extra_env=REFRESH)
    second = live_stack(
        workers=2, database="postgres", extra_env=REFRESH, pg_name=first.pg_name
    )
    return first, second


def served_version(url: str) -> str:
    """The version one worker serves, from /readyz."""
    with urllib.request.urlopen(url + "/readyz", timeout=10) as response:
        return json.loads(response.read())["checks"]["model"].removeprefix("ok: ")


def change(url: str, token: str, path: str, reason: str) -> dict:
    """POST a model change with a reason; its answer (201 expected)."""
    request = urllib.request.Request(
        f"{url}/api/v1/models/{path}",
        data=json.dumps({"reason": reason}).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        assert response.status == 201
        return json.loads(response.read())


def seconds_until_served(url: str, version: str, limit: float = 10) -> float:
    """How long until 20 answers in a row (every worker) serve `version`."""
    started, agreeing = time.monotonic(), 0
    while agreeing < 20 and time.monotonic() - started < limit:
        agreeing = agreeing + 1 if served_version(url) == version else 0
        time.sleep(0.02 if agreeing else 0.1)
    assert agreeing >= 20, f"{version} not served after {limit} s"
    return time.monotonic() - started


def manager_token(stack) -> str:
    stack.manage(
        "shell",
        "-c",
        "from django.contrib.auth.models import User; User.objects.create_user('mona')",
    )
    stack.manage("grant_role", "mona", "model_manager")
    return stack.manage("create_token", "mona").strip()


def test_an_activation_and_a_rollback_through_the_api_reach_the_other_host(pair):
    first, second = pair
    old = served_version(second.url)
    first.manage("train_model", "--seed", "1")
    (new,) = first.rows("SELECT version FROM ml_modelversion WHERE NOT is_active")[0]
    shutil.copytree(
        first.workdir / "artifacts" / new, second.workdir / "artifacts" / new
    )
    token = manager_token(first)

    answer = change(first.url, token, f"{new}/activate/", "try the seed-1 tree")
    assert (answer["version"], answer["previous"]) == (new, old)
    assert seconds_until_served(second.url, new) <= 5.0

    answer = change(first.url, token, "rollback/", "back to the known one")
    assert (answer["action"], answer["version"]) == ("rollback", old)
    assert seconds_until_served(second.url, old) <= 5.0

    history = second.rows(
        "SELECT action, username, reason FROM ml_modelchange ORDER BY id"
    )
    assert history[-2:] == [
        ("activate", "mona", "try the seed-1 tree"),
        ("rollback", "mona", "back to the known one"),
    ]


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system
