"""OpenAPI documentation of the token endpoints and the token scheme."""

from drf_spectacular.authentication import BasicScheme
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers

from predictions.schema_responses import THROTTLED, UNAUTHORIZED


class TokenScheme(OpenApiAuthenticationExtension):
    """``Authorization: Token <key>`` (predictions.authentication)."""

    target_class = "predictions.authentication.TokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(
            header_name="Authorization", token_prefix="Token"
        )


class LockedBasicScheme(BasicScheme):
    """HTTP Basic under the login lockout (predictions.authentication)."""

    target_class = "predictions.authentication.BasicAuthentication"


NEW_TOKEN = inline_serializer(
    "NewToken",
    {
        "token": serializers.CharField(
            help_text="The key, shown only this once: send it as "
            "`Authorization: Token <key>`."
        ),
        "expiry": serializers.DateTimeField(help_text="When the key stops working."),
    },
)
REVOKED = OpenApiResponse(None, description="Revoked.")

create_token = extend_schema(
    summary="Make an API token",
    description="Authenticate with HTTP Basic (username and password) or a "
    "session, never with a token. The key is returned once; only its digest is "
    "stored. It expires after DRUGSITE_TOKEN_TTL_HOURS (default 10) and stops "
    "working when the account's password changes. Repeated failed passwords lock "
    "the account and the address for a while, as on the login page.",
    request=None,
    responses={201: NEW_TOKEN, 401: UNAUTHORIZED, 429: THROTTLED},
)


def revoking(summary: str, description: str):
    """The schema of a DELETE that revokes tokens."""
    return extend_schema(
        summary=summary,
        description=description,
        request=None,
        responses={204: REVOKED, 401: UNAUTHORIZED, 429: THROTTLED},
    )


revoke_tokens = revoking(
    "Revoke every token of mine",
    "Every key of the calling account stops working at once. "
    "Authenticate with a token or a session.",
)
revoke_current_token = revoking(
    "Revoke the token this request carries",
    "The key in this request's Authorization header stops working; "
    "the account's other keys do not.",
)
