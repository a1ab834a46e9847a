"""API tokens (django-rest-knox): made, listed and revoked only here.

Knox stores a SHA-512 digest of each key and the key's first 15 characters (to
find the row); the key itself is returned once, by ``token_create``.
"""

from datetime import timedelta

from django.conf import settings
from knox.models import AuthToken


def token_ttl(hours: float | None = None) -> timedelta:
    """How long a new key lives: `hours`, else DRUGSITE_TOKEN_TTL_HOURS."""
    return timedelta(
        hours=settings.DRUGSITE_TOKEN_TTL_HOURS if hours is None else hours
    )


def token_create(*, user, hours: float | None = None) -> tuple[AuthToken, str]:
    """A new token of `user` and its key; only the key's digest is stored."""
    return AuthToken.objects.create(user=user, expiry=token_ttl(hours))


def tokens_revoke(*, user) -> int:
    """Revoke every token of `user`; returns how many there were."""
    count, _ = AuthToken.objects.filter(user=user).delete()
    return count
