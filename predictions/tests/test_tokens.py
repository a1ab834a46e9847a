"""API tokens over HTTP: made with a password or a session, shown once, expiring,
revocable by their owner."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from predictions.tests.conftest import PASSWORD, basic
from predictions.tokens import token_create

TOKENS = "/api/v1/auth/tokens/"
API = "/api/v1/predictions/"

pytestmark = pytest.mark.django_db


def bearer(key: str) -> dict:
    return {"Authorization": f"Token {key}"}


def test_basic_auth_makes_a_key_shown_once_with_its_expiry(
    client, user, settings, token_works
):
    settings.DRUGSITE_TOKEN_TTL_HOURS = 2

    response = client.post(TOKENS, headers=basic("alice", PASSWORD))

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"token", "expiry"}
    expiry = AuthToken.objects.get(user=user).expiry
    assert abs(expiry - timezone.now() - timedelta(hours=2)) < timedelta(minutes=1)
    assert token_works(body["token"])


def test_only_a_digest_of_the_key_is_stored(client, user):
    key = client.post(TOKENS, headers=basic("alice", PASSWORD)).json()["token"]

    (stored,) = AuthToken.objects.values().filter(user=user)
    assert key not in str(stored.values())
    assert len(stored["digest"]) == 128  # SHA-512, hex
    assert key.startswith(stored["token_key"])
    assert len(stored["token_key"]) < len(key)


def test_a_session_makes_a_key_but_only_with_the_csrf_token(user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    assert client.post(TOKENS).status_code == 403
    client.get("/accounts/login/")  # sets the CSRF cookie
    csrf = client.cookies["csrftoken"].value
    response = client.post(TOKENS, headers={"X-CSRFToken": csrf})
    assert response.status_code == 201


def test_a_key_cannot_make_another_key(client, user):
    _, key = token_create(user=user)

    response = client.post(TOKENS, headers=bearer(key))

    assert response.status_code == 401
    assert AuthToken.objects.count() == 1


def test_a_wrong_password_makes_no_key(client, user):
    response = client.post(TOKENS, headers=basic("alice", "not-the-password"))

    assert response.status_code == 401
    assert not AuthToken.objects.exists()


def test_revoking_the_current_token_leaves_the_others_working(
    client, user, token_works
):
    (_, used), (_, other) = token_create(user=user), token_create(user=user)

    response = client.delete(f"{TOKENS}current/", headers=bearer(used))

    assert response.status_code == 204
    assert not token_works(used)
    assert token_works(other)


def test_revoking_all_my_tokens_leaves_other_accounts_alone(
    client, user, other_user, token_works
):
    (_, used), (_, mine) = token_create(user=user), token_create(user=user)
    _, theirs = token_create(user=other_user)

    response = client.delete(TOKENS, headers=bearer(used))

    assert response.status_code == 204
    assert not token_works(used)
    assert not token_works(mine)
    assert token_works(theirs)


def test_an_expired_key_is_refused(user, token_works):
    instance, key = token_create(user=user)
    AuthToken.objects.filter(pk=instance.pk).update(
        expiry=timezone.now() - timedelta(seconds=1)
    )

    assert not token_works(key)


def test_an_expired_key_is_deleted_when_presented(user, token_works):
    instance, key = token_create(user=user)
    AuthToken.objects.filter(pk=instance.pk).update(
        expiry=timezone.now() - timedelta(seconds=1)
    )

    token_works(key)

    assert not AuthToken.objects.filter(pk=instance.pk).exists()


def test_a_key_and_its_accounts_permissions_cost_one_query(
    user, django_assert_num_queries
):
    from rest_framework.test import APIRequestFactory

    from predictions.authentication import TokenAuthentication

    _, key = token_create(user=user)
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {key}")

    with django_assert_num_queries(1):  # the token, its user, the permissions
        authenticated, _ = TokenAuthentication().authenticate(request)
    with django_assert_num_queries(0):
        assert authenticated.has_perm("predictions.predict")
        assert not authenticated.has_perm("predictions.view_prediction")


def test_an_inactive_accounts_key_is_refused(user, token_works):
    _, key = token_create(user=user)
    user.is_active = False
    user.save()

    assert not token_works(key)


def test_a_key_that_is_not_text_is_a_401_not_a_500(client, user):
    response = client.get(API, HTTP_AUTHORIZATION="Token \xff\xfe")

    assert response.status_code == 401


def test_refusals_name_the_token_scheme(client):
    response = client.get(API)

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"


def test_a_keys_permissions_are_its_roles_and_its_own_and_its_owner_as_stored(
    user, django_assert_num_queries
):
    from django.contrib.auth.models import Permission
    from rest_framework.test import APIRequestFactory

    from predictions.authentication import TokenAuthentication

    user.user_permissions.add(Permission.objects.get(codename="view_prediction"))
    instance, key = token_create(user=user)
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {key}")

    authenticated, token = TokenAuthentication().authenticate(request)

    with django_assert_num_queries(0):
        assert authenticated.has_perm("predictions.predict")  # the role's
        assert authenticated.has_perm("predictions.view_prediction")  # its own
        assert not authenticated.has_perm("ml.activate_modelversion")
    assert (token.pk, token.expiry, token.user_id) == (
        instance.pk,
        instance.expiry,
        user.pk,
    )
    stored = type(user).objects.get(pk=user.pk)
    assert {
        f.attname: getattr(authenticated, f.attname) for f in user._meta.fields
    } == {f.attname: getattr(stored, f.attname) for f in user._meta.fields}


def test_a_superusers_key_holds_every_permission(django_user_model):
    from rest_framework.test import APIRequestFactory

    from predictions.authentication import TokenAuthentication

    root = django_user_model.objects.create_superuser("root", password=PASSWORD)
    _, key = token_create(user=root)
    request = APIRequestFactory().get("/", HTTP_AUTHORIZATION=f"Token {key}")

    authenticated, _ = TokenAuthentication().authenticate(request)

    assert authenticated.is_superuser
    assert authenticated.has_perm("ml.activate_modelversion")
