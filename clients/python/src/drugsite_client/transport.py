"""One HTTP exchange with urllib, and the error type each failed answer maps to."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from datetime import UTC, datetime
from email.message import Message
from email.utils import parsedate_to_datetime
from typing import Any

from drugsite_client.errors import (
    AuthenticationError,
    Conflict,
    DrugsiteError,
    NotFound,
    RateLimited,
    ServiceUnavailable,
    ValidationError,
)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: urllib would turn a redirected POST into a GET."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


OPENER = urllib.request.build_opener(_NoRedirect)


def send(request: urllib.request.Request, *, timeout: float) -> Any:
    """Send one request; the decoded JSON answer, or the matching DrugsiteError."""
    try:
        with OPENER.open(request, timeout=timeout) as response:
            raw = response.read()
    except urllib.error.HTTPError as exc:
        with exc:
            raise error_from_answer(exc.code, exc.headers, exc.read()) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DrugsiteError(f"Could not reach {request.full_url}: {reason}") from exc
    try:
        return json.loads(raw)
    except ValueError:
        raise DrugsiteError(
            f"Expected JSON from {request.full_url}, got {raw[:200]!r}"
        ) from None


def error_from_answer(status: int, headers: Message, raw: bytes) -> DrugsiteError:
    """The error for an HTTP error answer, carrying the server's message(s)."""
    try:
        body: Any = json.loads(raw)
    except ValueError:
        body = raw.decode("utf-8", "replace")
    detail = body.get("detail") if isinstance(body, dict) else None
    message = str(detail or body or f"HTTP {status}")[:500]
    common: dict[str, Any] = {
        "status": status,
        "request_id": headers.get("X-Request-Id"),
        "body": body,
    }
    if status == 400 and isinstance(body, dict):
        return ValidationError(body, **common)
    if status in (401, 403):
        return AuthenticationError(message, **common)
    if status == 404:
        return NotFound(message, **common)
    if status == 409:
        return Conflict(message, **common)
    if status in (429, 503):
        kind = RateLimited if status == 429 else ServiceUnavailable
        retry_after = parse_retry_after(headers.get("Retry-After"))
        return kind(message, retry_after=retry_after, **common)
    if 300 <= status < 400:
        message = f"Redirected to {headers.get('Location')}: use that base URL."
    return DrugsiteError(f"HTTP {status}: {message}", **common)


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
