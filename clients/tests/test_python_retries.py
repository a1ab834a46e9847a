"""The Python client retries 429 and 503 as the live server's Retry-After advises."""

import time
import urllib.error
import urllib.request
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from types import SimpleNamespace

import pytest
from drugsite_client import DrugsiteClient, RateLimited, ServiceUnavailable
from drugsite_client.transport import parse_retry_after

from clients.tests.support import EXAMPLES, as_fields, create_tokens, start_stack

PATIENT = as_fields(EXAMPLES[0][0])


@pytest.fixture(scope="module")
def throttled(tmp_path_factory, trained_store):
    """One worker (so one throttle counter) allowing each user one request a second."""
    stack = start_stack(
        tmp_path_factory.mktemp("throttled-stack"),
        trained_store,
        WORKERS="1",
        DRUGSITE_THROTTLE_USER="1/second",
    )
    yield SimpleNamespace(
        url=stack.url, tokens=create_tokens(stack, "patient", "hasty", "busy")
    )
    stack.close()


def test_a_429_is_retried_after_the_seconds_retry_after_names(throttled):
    waits = []

    def sleep(seconds: float) -> None:
        waits.append(seconds)
        time.sleep(seconds)

    token = throttled.tokens["patient"]
    client = DrugsiteClient(throttled.url, token=token, sleep=sleep)
    first, second = client.predict(**PATIENT), client.predict(**PATIENT)
    assert waits == [1.0]
    assert first.drug == second.drug == "drugC"
    assert second.id > first.id


def test_retries_stop_after_the_configured_number_and_raise_rate_limited(throttled):
    waits = []
    client = DrugsiteClient(
        throttled.url, token=throttled.tokens["hasty"], retries=2, sleep=waits.append
    )
    assert client.legacy_drug(**PATIENT) == "drugC"
    with pytest.raises(RateLimited) as caught:
        client.legacy_drug(**PATIENT)
    assert waits == [1.0, 1.0]
    assert caught.value.status == 429
    assert caught.value.retry_after == 1.0
    assert "throttled" in str(caught.value).lower()


def test_a_retry_after_longer_than_max_retry_wait_is_raised_at_once(throttled):
    waits = []
    client = DrugsiteClient(
        throttled.url,
        token=throttled.tokens["busy"],
        max_retry_wait=0.5,
        sleep=waits.append,
    )
    client.predict(**PATIENT)
    with pytest.raises(RateLimited) as caught:
        client.predict(**PATIENT)
    assert waits == []
    assert caught.value.retry_after == 1.0


def test_retry_after_is_read_as_seconds_or_as_an_http_date():
    in_ten_seconds = datetime.now(UTC) + timedelta(seconds=10)
    assert parse_retry_after("5") == 5.0
    assert 8 < parse_retry_after(format_datetime(in_ten_seconds, usegmt=True)) <= 10
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert parse_retry_after("soon") is None
    assert parse_retry_after(None) is None


def wait_for_readiness(url: str, status: int) -> None:
    """Poll GET /readyz until it answers ``status``."""
    deadline = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(url + "/readyz", timeout=5) as response:
                answered = response.status
        except urllib.error.HTTPError as exc:
            answered = exc.code
        if answered == status:
            return
        assert time.monotonic() < deadline, f"/readyz never answered {status}"
        time.sleep(0.3)


def test_a_503_is_retried_and_answered_once_the_model_is_back(
    live_stack, trained_store
):
    stack = live_stack(
        workers=1,
        extra_env={"DRUGSITE_ALLOW_ANONYMOUS": "0", "ML_MODEL_REFRESH_SECONDS": "0.5"},
    )
    token = create_tokens(stack, "carol")["carol"]
    stack.manage(
        "shell",
        "--no-imports",
        "-c",
        "from ml.models import ModelVersion; "
        "ModelVersion.objects.update(is_active=False)",
    )
    wait_for_readiness(stack.url, 503)

    waits = []
    client = DrugsiteClient(stack.url, token=token, retries=2, sleep=waits.append)
    with pytest.raises(ServiceUnavailable) as caught:
        client.predict(**PATIENT)
    assert waits == [5.0, 5.0]
    assert caught.value.status == 503
    assert "No usable model" in str(caught.value)

    def sleep_while_the_model_is_activated(seconds: float) -> None:
        waits.append(seconds)
        stack.manage(
            "activate_model",
            (trained_store / "VERSION").read_text(),
            "--reason",
            "retries test",
        )
        wait_for_readiness(stack.url, 200)

    waits.clear()
    client.sleep = sleep_while_the_model_is_activated
    assert client.predict(**PATIENT).drug == "drugC"
    assert waits == [5.0]


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system
