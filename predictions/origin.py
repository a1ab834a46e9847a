"""Who asked, and in which request: the log's attribution, fixed when it is written.

A row keeps the user's id, username and how they authenticated as they were at
that moment; nothing done to the account later changes what the row says.
"""

from __future__ import annotations

from dataclasses import dataclass

from rest_framework.authentication import SessionAuthentication

from predictions.models import AuthMethod


@dataclass(frozen=True, slots=True)
class Origin:
    """The attribution and request ids written on each row of one request."""

    user: object | None  # the account (a user model instance), None if anonymous
    username: str
    auth_method: AuthMethod
    request_id: str
    correlation_id: str = ""

    @classmethod
    def of(
        cls,
        *,
        user,
        auth_method: AuthMethod,
        request_id: str,
        correlation_id: str = "",
    ) -> Origin:
        """An origin; anyone not signed in is anonymous, whatever else is said."""
        if user is None or not user.is_authenticated:
            return cls(None, "", AuthMethod.ANONYMOUS, request_id, correlation_id)
        return cls(user, user.get_username(), auth_method, request_id, correlation_id)

    def columns(self) -> dict:
        """The log columns this origin fills."""
        return {
            "user": self.user,
            "username": self.username,
            "auth_method": self.auth_method,
            "request_id": self.request_id,
            "correlation_id": self.correlation_id,
        }


def auth_method_of(request) -> AuthMethod:
    """How a Django or DRF request authenticated: DRF names its authenticator; a
    session authenticator (or a plain Django request: the form) is a session, any
    other (DRF's or knox's TokenAuthentication) a token."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return AuthMethod.ANONYMOUS
    authenticator = getattr(request, "successful_authenticator", None)
    if authenticator is None or isinstance(authenticator, SessionAuthentication):
        return AuthMethod.SESSION
    return AuthMethod.TOKEN


def origin_of(request) -> Origin:
    """The origin of a request that went through RequestIdMiddleware."""
    return Origin.of(
        user=getattr(request, "user", None),
        auth_method=auth_method_of(request),
        request_id=request.request_id,
        correlation_id=getattr(request, "correlation_id", ""),
    )
