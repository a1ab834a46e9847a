"""API tokens in admin: who holds one and until when, never the key; delete revokes."""

import pytest

from predictions.tokens import token_create

pytestmark = pytest.mark.django_db

TOKENS = "/admin/knox/authtoken/"


def test_admin_lists_tokens_without_keys_and_deletes_them(
    admin_client, user, token_works
):
    instance, key = token_create(user=user)

    page = admin_client.get(TOKENS).content.decode()
    response = admin_client.post(f"{TOKENS}{instance.pk}/delete/", {"post": "yes"})

    assert instance.digest[:12] in page
    assert instance.token_key not in page  # the key's stored start, nor any of it
    assert key[8:] not in page
    assert response.status_code == 302
    assert not token_works(key)


def test_admin_cannot_make_or_change_a_token(admin_client, user):
    instance, _ = token_create(user=user)

    assert admin_client.get(f"{TOKENS}add/").status_code == 403
    page = admin_client.get(f"{TOKENS}{instance.pk}/change/").content.decode()
    assert 'name="_save"' not in page
