"""Errors the client raises: one type per kind of failure, each with its status."""

from __future__ import annotations

from typing import Any

from drugsite_client.models import Outcome, optional_outcome


class DrugsiteError(Exception):
    """Any failure talking to drugsite: unreachable, timed out, or an error answer."""

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        request_id: str | None = None,
        body: Any = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.request_id = request_id
        self.body = body


class ValidationError(DrugsiteError):
    """400: the input was refused. ``errors`` is the server's message per field.

    One patient: ``{"bp": ["BP 'VERYHIGH' is not allowed: use one of HIGH, LOW,
    NORMAL."]}``. A batch: keyed by item index, ``{"1": {"age": [...]}}``.
    """

    def __init__(self, errors: dict[str, Any], **kwargs: Any) -> None:
        self.errors = errors
        super().__init__("Invalid input: " + "; ".join(flatten(errors)), **kwargs)


class AuthenticationError(DrugsiteError):
    """401 or 403: no token, a wrong token, or not allowed."""


class NotFound(DrugsiteError):
    """404: no such prediction, or not yours."""


class Conflict(DrugsiteError):
    """409: an outcome is already recorded for the prediction; ``outcome`` is it."""

    @property
    def outcome(self) -> Outcome | None:
        """The outcome recorded first, as the server named it."""
        found = self.body.get("outcome") if isinstance(self.body, dict) else None
        return optional_outcome(found)


class RetryableError(DrugsiteError):
    """An answer worth retrying later; ``retry_after`` is the server's advice (s)."""

    def __init__(self, message: str, *, retry_after: float | None, **kwargs: Any):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class RateLimited(RetryableError):
    """429: too many requests for your token."""


class ServiceUnavailable(RetryableError):
    """503: no usable model, or the audit log cannot be written; nothing answered."""


def flatten(errors: Any, prefix: str = "") -> list[str]:
    """The messages of a (possibly nested) DRF error body, each with its path."""
    if isinstance(errors, dict):
        return [
            line
            for key, value in errors.items()
            for line in flatten(value, f"{prefix}{key}: " if key else prefix)
        ]
    if isinstance(errors, list):
        return [line for item in errors for line in flatten(item, prefix)]
    return [f"{prefix}{errors}"]
