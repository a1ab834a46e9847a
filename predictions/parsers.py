"""The API's JSON parser: DRF's, safe for bodies nobody should have sent.

It refuses with a ``BodyRejected`` (a ParseError: 400, 413 for size) that names
the problem and carries the body's start (RAW_INPUT_LIMIT characters) for the log:
a body over DATA_UPLOAD_MAX_MEMORY_SIZE (``predictions.bodies``: never held
whole); nesting deeper than MAX_DEPTH (``json.loads`` would recurse out of the
stack: a 500); NaN, Infinity or ``1e999`` (no database's JSON keeps them); a lone
UTF-16 surrogate (``"\\ud800"``: not a character, so neither answered in UTF-8 nor
stored by PostgreSQL).

Most bodies are read by orjson (``quick_loads``), to the value ``json.loads``
gives; whatever it refuses, or might read otherwise, takes the path above.
"""

import json
import math
import re
from array import array
from itertools import accumulate

import orjson
from django.conf import settings
from rest_framework import renderers
from rest_framework.parsers import BaseParser

from predictions.bodies import BodyRejected, read_body
from predictions.services import RAW_INPUT_LIMIT

MAX_DEPTH = 20  # a batch is 2 deep (a list of objects)
#: A JSON string, or an unterminated one up to the end: always matches at a quote.
STRING = re.compile(r'"(?:[^"\\]++|\\[\s\S]?)*+(?:"|\Z)')
NOT_BRACKET = re.compile(r"[^\[\]{}]++")
STEP = str.maketrans({"[": "\x01", "{": "\x01", "]": "\xff", "}": "\xff"})
SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
#: orjson reads an integer beyond 64 bits as a float; json.loads, as an int.
LONG_DIGITS = re.compile(r"\d{19}")  # the body's text, where ``plain`` cannot tell
SLOW = object()


class SafeJSONParser(BaseParser):
    """JSON, size- and depth-limited, finite numbers, characters only.

    Not a subclass of DRF's JSONParser on purpose: DRF reads ``request.body``
    whole for those before parsing; this one is handed the unread stream."""

    media_type = "application/json"
    renderer_class = renderers.JSONRenderer

    def parse(self, stream, media_type=None, parser_context=None):
        context = parser_context or {}
        raw = read_body(stream, context.get("request"))
        text = decode(raw, context.get("encoding") or settings.DEFAULT_CHARSET)
        data = quick_loads(text)
        if data is SLOW:
            if nesting_depth(text) > MAX_DEPTH:
                raise BodyRejected(
                    f"JSON nested deeper than {MAX_DEPTH} levels is not accepted; "
                    "a batch is a list of objects (2 levels).",
                    body=text,
                    code="too_deep",
                )
            data = loads(text)
        refuse_lone_surrogates(text, data)
        return data


def decode(raw: bytes, encoding: str) -> str:
    try:
        return raw.decode(encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        body = raw[:RAW_INPUT_LIMIT].decode("utf-8", "replace")
        raise BodyRejected(
            f"The body is not {encoding} text: {exc}", body=body
        ) from None


def quick_loads(text: str):
    """What ``loads`` gives, read by orjson, or SLOW where orjson refuses the
    body (NaN, 1e999, lone surrogates, 1,024 deep...) or might read it otherwise."""
    try:
        data = orjson.loads(text)
    except orjson.JSONDecodeError:
        return SLOW
    if plain(data):
        return data
    if LONG_DIGITS.search(text) is None and nesting_depth(text) <= MAX_DEPTH:
        return data
    return SLOW


def plain(data) -> bool:
    """True for an object or a batch of them, nested no deeper, with no float
    beyond 64-bit integers: what orjson reads so, json.loads reads alike."""
    values = []
    for item in data if type(data) is list else (data,):
        kind = type(item)
        values.extend(
            item.values() if kind is dict else item if kind is list else [item]
        )
    kinds = set(map(type, values))
    if list in kinds or dict in kinds:
        return False
    floats = [value for value in values if type(value) is float] or [0.0]
    return min(floats) > -(2.0**63) and max(floats) < 2.0**63


def nesting_depth(text: str) -> int:
    """How deep arrays and objects nest, brackets in strings not counted."""
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return 0  # cannot be deeper than that: most bodies stop here
    brackets = NOT_BRACKET.sub("", STRING.sub("", text))
    steps = array("b", brackets.translate(STEP).encode("latin-1"))
    return max(accumulate(steps), default=0)


def loads(text: str):
    """``json.loads`` with finite numbers only; its errors as BodyRejected."""
    try:
        return json.loads(text, parse_constant=finite, parse_float=finite)
    except ValueError as exc:  # JSONDecodeError, or an integer of 4,300+ digits
        raise BodyRejected(f"JSON parse error - {exc}", body=text) from None
    except NonFinite as exc:
        raise BodyRejected(
            f"The number {exc} is out of range: JSON numbers must be finite.",
            body=text,
        ) from None


class NonFinite(Exception):
    """A number no database's JSON keeps: NaN, Infinity, 1e999."""


def finite(text: str) -> float:
    value = float(text)  # NaN, Infinity and -Infinity come here too
    if not math.isfinite(value):
        raise NonFinite(text[:40])
    return value


def refuse_lone_surrogates(text: str, data) -> None:
    """BodyRejected when a string holds half a UTF-16 surrogate pair."""
    if SURROGATE_ESCAPE.search(text) is None:
        return  # only a \\udXXX escape can make one
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        char = ord(exc.object[exc.start])
        raise BodyRejected(
            f"The JSON text holds a lone UTF-16 surrogate (\\u{char:04x}), which "
            "is not a character: send text as UTF-8, or a character beyond "
            "U+FFFF as a surrogate pair.",
            body=text,
            code="lone_surrogate",
        ) from None
