"""Repeated failed logins lock the account and the address (django-axes)."""

from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.test import Client

from predictions.tests.conftest import PASSWORD, basic

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"
HOME = "10.0.0.1"
ELSEWHERE = "10.0.0.2"

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def limits(settings):
    settings.AXES_FAILURE_LIMIT = 3
    settings.AXES_COOLOFF_TIME = timedelta(minutes=15)


def log_in(username: str, password: str, address: str = HOME, page: str = LOGIN):
    """One login attempt from `address` with a fresh browser."""
    return Client().post(
        page, {"username": username, "password": password}, REMOTE_ADDR=address
    )


def fail(times: int, username: str = "alice", address: str = HOME, page=LOGIN):
    return [
        log_in(username, "wrong-password", address, page).status_code
        for _ in range(times)
    ]


def signed_in(response) -> bool:
    return response.status_code == 302


def test_failures_below_the_limit_only_show_the_form_again(user):
    assert fail(2) == [200, 200]
    assert signed_in(log_in("alice", PASSWORD))


def test_the_limit_locks_the_account_with_a_page_saying_when_to_retry(user):
    codes = fail(3)
    response = log_in("alice", PASSWORD)

    assert codes == [200, 200, 429]
    assert response.status_code == 429
    assert response["Content-Type"].startswith("text/html")
    assert int(response["Retry-After"]) == 15 * 60
    assert "Try again in 15 minutes" in response.content.decode()


def test_a_locked_account_stays_locked_from_another_address(user):
    fail(3)

    assert log_in("alice", PASSWORD, ELSEWHERE).status_code == 429


def test_a_locked_address_is_locked_for_every_account(user, other_user):
    for name in ("mallory", "eve", "trent"):
        fail(1, username=name)

    assert log_in("bob", PASSWORD).status_code == 429
    assert signed_in(log_in("bob", PASSWORD, ELSEWHERE))


def test_a_success_after_the_cool_off_signs_in(user):
    fail(3)
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - timedelta(minutes=16)
    )

    assert signed_in(log_in("alice", PASSWORD))


def test_a_success_does_not_wipe_the_failures_of_other_accounts(user, other_user):
    fail(2, username="alice")
    assert signed_in(log_in("bob", PASSWORD))

    assert fail(1, username="alice") == [429]


def test_admin_login_is_locked_too(admin_user):
    codes = fail(3, username="admin", page=ADMIN_LOGIN)

    response = log_in("admin", "password", ELSEWHERE, ADMIN_LOGIN)
    assert codes == [200, 200, 429]
    assert response.status_code == 429


def test_failures_on_one_login_page_count_on_the_other(admin_user):
    fail(2, username="admin", page=ADMIN_LOGIN)

    assert fail(1, username="admin") == [429]


def test_basic_auth_for_tokens_counts_and_is_refused_when_locked(client, user):
    for _ in range(3):
        client.post("/api/v1/auth/tokens/", headers=basic("alice", "wrong"))

    response = client.post("/api/v1/auth/tokens/", headers=basic("alice", PASSWORD))

    assert response.status_code == 429
    assert int(response["Retry-After"]) == 15 * 60
    assert "Too many failed logins" in response.json()["detail"]
    assert log_in("alice", PASSWORD, ELSEWHERE).status_code == 429


def test_a_forged_forwarded_for_does_not_change_the_address(user, other_user):
    for forged in ("1.1.1.1", "2.2.2.2", "3.3.3.3"):
        Client().post(
            LOGIN,
            {"username": f"u{forged}", "password": "x"},
            REMOTE_ADDR=HOME,
            HTTP_X_FORWARDED_FOR=forged,
        )

    assert log_in("bob", PASSWORD).status_code == 429


def test_behind_a_trusted_proxy_the_address_it_forwarded_counts(settings, other_user):
    settings.DRUGSITE_NUM_PROXIES = 1
    for name in ("mallory", "eve", "trent"):
        Client().post(
            LOGIN,
            {"username": name, "password": "x"},
            REMOTE_ADDR="192.168.0.10",  # the proxy
            HTTP_X_FORWARDED_FOR=f"9.9.9.9, {HOME}",  # forged, then the real one
        )

    proxied = Client().post(
        LOGIN,
        {"username": "bob", "password": PASSWORD},
        REMOTE_ADDR="192.168.0.10",
        HTTP_X_FORWARDED_FOR=ELSEWHERE,
    )
    assert proxied.status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {HOME}
