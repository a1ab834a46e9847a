"""How API callers authenticate: a knox token, named once in settings, and HTTP
Basic (to make a token) under the login lockout."""

from axes.helpers import get_cool_off
from django.conf import settings
from django.utils.module_loading import import_string
from knox import auth
from rest_framework import authentication, exceptions


class TokenAuthentication(auth.TokenAuthentication):
    """knox's ``Authorization: Token <key>``; a key that is not text is a 401."""

    def authenticate_credentials(self, token: bytes):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        return super().authenticate_credentials(token)


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
