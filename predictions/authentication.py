"""How API callers authenticate: a knox token, named once in settings, and HTTP
Basic (to make a token) under the login lockout."""

from axes.helpers import get_cool_off
from django.conf import settings
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from knox import auth
from knox.signals import token_expired
from rest_framework import authentication, exceptions


class TokenAuthentication(auth.TokenAuthentication):
    """knox's ``Authorization: Token <key>``; a key that is not text is a 401.

    Two queries per call, where knox and the permission check take four: the
    token with its user, then the user's permissions (direct and through the
    role's group) read at once into the cache ``user.has_perm`` consults. knox
    also scans the user's other tokens on every call to delete expired ones;
    here an expired token is refused and deleted when it is presented.
    """

    def authenticate_credentials(self, token: bytes):
        try:
            token.decode("utf-8")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed("Invalid token.") from None
        return super().authenticate_credentials(token)

    def _cleanup_token(self, auth_token) -> bool:
        if auth_token.expiry is not None and auth_token.expiry < timezone.now():
            username = auth_token.user.get_username()
            auth_token.delete()
            token_expired.send(sender=self.__class__, username=username, source="auth")
            return True
        return False

    def validate_user(self, auth_token):
        user, auth_token = super().validate_user(auth_token)
        if not user.is_superuser:  # a superuser holds every permission anyway
            user._perm_cache = {
                f"{app_label}.{codename}"
                for app_label, codename in Permission.objects.filter(
                    Q(user=user) | Q(group__user=user)
                ).values_list("content_type__app_label", "codename")
            }
        return user, auth_token


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
