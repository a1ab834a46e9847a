"""How API callers authenticate: a knox token, named once in settings, and HTTP
Basic (to make a token) under the login lockout."""

import binascii
from hmac import compare_digest

from axes.helpers import get_cool_off
from django.conf import settings
from django.db import router
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from knox import auth
from knox.crypto import hash_token
from knox.models import get_token_model
from knox.settings import CONSTANTS
from knox.signals import token_expired
from rest_framework import authentication, exceptions

from predictions import token_cache
from predictions.token_lookup import tokens_with_owners


class TokenAuthentication(auth.TokenAuthentication):
    """knox's ``Authorization: Token <key>``; a key that is not text is a 401.

    One query per call, where knox and the permission check take four: the
    tokens with the presented key's prefix, each with its user and the user's
    permissions (direct and through the role's group), read at once into the
    cache ``user.has_perm`` consults (predictions.token_lookup). knox also scans
    the user's other tokens on every call to delete expired ones; here an
    expired token is refused and deleted when it is presented.

    ``connection_checked = False`` reads the token without Django's health check
    of the connection (predictions.token_lookup): for the lane, which hands the
    request to the view, and so to the checked read, if it fails.

    A token found is kept by the worker while no account changes anywhere
    (predictions.token_cache); the accounts' generation is read before the
    token, so that what is kept is never older than the generation it is kept in.
    """

    connection_checked = True

    def authenticate_credentials(self, token: bytes):
        try:
            key = token.decode("utf-8")
            digest = hash_token(key)
        except (UnicodeDecodeError, TypeError, binascii.Error):
            raise invalid_token() from None
        generation = token_cache.source(router.db_for_read(get_token_model()))
        read_in = generation.now() if generation is not None else None
        if read_in is not None:
            kept = token_cache.CACHE.get(digest, read_in)
            if kept is not None:
                return self.validate_user(kept)
        prefix = key[: CONSTANTS.TOKEN_KEY_LENGTH]
        for auth_token in tokens_with_owners(prefix, checked=self.connection_checked):
            if compare_digest(digest, auth_token.digest):
                if self._cleanup_token(auth_token):
                    break
                found = self.validate_user(auth_token)
                if read_in is not None:
                    token_cache.CACHE.put(digest, auth_token, read_in)
                return found
        raise invalid_token()

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth")
            return True
        return False


def token_authentication() -> type:
    """The token authentication class settings.TOKEN_AUTHENTICATION names."""
    return import_string(settings.TOKEN_AUTHENTICATION)


class BasicAuthentication(authentication.BasicAuthentication):
    """DRF's HTTP Basic; a login the lockout refuses is a 429, as on the login page."""

    def authenticate_credentials(self, userid, password, request=None):
        try:
            return super().authenticate_credentials(userid, password, request)
        except exceptions.AuthenticationFailed:
            if getattr(request, "axes_locked_out", False):
                cool_off = get_cool_off(request)
                raise exceptions.Throttled(
                    wait=cool_off.total_seconds() if cool_off else None,
                    detail="Too many failed logins for this account or address.",
                ) from None
            raise


def invalid_token() -> exceptions.AuthenticationFailed:
    """knox's 401 for a key it does not know (made only when it is refused)."""
    return exceptions.AuthenticationFailed(_("Invalid token."))
