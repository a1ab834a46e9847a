"""A changed password revokes every API token of its account, and nothing else does."""

import pytest
from django.utils import timezone

from predictions.tokens import token_create

pytestmark = pytest.mark.django_db


def test_changing_the_password_revokes_every_token_of_the_account(
    user, other_user, token_works
):
    (_, one), (_, two) = token_create(user=user), token_create(user=user)
    _, theirs = token_create(user=other_user)

    user.set_password("a-brand-new-password-7")
    user.save()

    assert not token_works(one)
    assert not token_works(two)
    assert token_works(theirs)


def test_saving_an_account_without_a_new_password_keeps_its_tokens(user, token_works):
    _, key = token_create(user=user)

    user.email = "alice@example.org"
    user.save()
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])

    assert token_works(key)


def test_a_password_changed_in_admin_revokes_the_tokens(
    admin_client, user, token_works
):
    _, key = token_create(user=user)

    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": "a-brand-new-password-7", "password2": "a-brand-new-password-7"},
    )

    assert response.status_code == 302
    assert not token_works(key)


def test_disabling_the_password_revokes_the_tokens(user, token_works):
    _, key = token_create(user=user)

    user.set_unusable_password()
    user.save()

    assert not token_works(key)
