"""The canonical text of a log row's values: what its ``row_hash`` covers.

Defined once, for the service that writes a row (before its INSERT) and for the
commands that read it back, so the value the service holds and the value SQLite
or PostgreSQL returns are written alike. A row's text (predictions.audit.rowhash)
is ``drugsite-audit-row-v1``, a newline, then a JSON object of every column except
``id`` and ``row_hash`` whose value is not NULL, keys sorted, no spaces, each value
written by its column's type:

- text: a JSON string, ASCII with escapes; integers and booleans as JSON;
- floats: ``repr``, the shortest text that reads back as the same double;
- times: a JSON string, UTC, ISO 8601 with microseconds;
- JSON columns: keys sorted (by code point), no spaces, numbers as ``json.dumps``
  writes them except where jsonb gives back another: it keeps numbers as
  ``numeric``, so ``1e+16`` comes back as the integer 10000000000000000 (written
  so) and ``-0.0`` as ``0.0``.

NULL columns are left out so that a column added later (nullable, NULL on the
old rows) leaves the old rows' hashes as they were (docs/audit.md).

An object or array of plain values (a leaf's probabilities, a decision path) is
written in C (``flat_text``): by orjson, where its text is the canonical one.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Callable
from json.encoder import encode_basestring_ascii as json_string

import orjson
from django.db import models

#: The values orjson is given: exactly these types (no subclass, no None).
PLAIN = frozenset((str, int, float, bool))
TEXT = frozenset((str,))  # the keys orjson is given
#: In orjson's text, what canonical text writes otherwise (anywhere, in a string
#: too: then the slow path writes the same text): NaN and infinities (orjson's
#: null), small and huge floats' spelling, -0.0, DEL (escaped in ASCII text).
NOT_CANONICAL = ("null", "e-", "e+", "0.0000", "-0.0", "\x7f")


def number(value: int | float) -> str:
    """A JSON number as json.dumps writes it, except where PostgreSQL's jsonb
    (``numeric``) gives back another: ``-0.0`` is ``0.0``, and a float written
    with an exponent up (``1e+16``) is the integer it is, in full."""
    if type(value) is int or isinstance(value, int):
        return str(int(value))
    if value == 0:
        return "0.0"
    text = repr(value)
    if "e+" in text:
        return str(int(decimal.Decimal(text)))
    return {"nan": "NaN", "inf": "Infinity", "-inf": "-Infinity"}.get(text, text)


def json_key(key) -> str:
    """A mapping key as JSON text keeps it (json.dumps turns 1 into "1")."""
    if isinstance(key, str):
        return key
    if isinstance(key, bool) or key is None:
        return {True: "true", False: "false", None: "null"}[key]
    return repr(key) if isinstance(key, float) else str(key)


def canonical_mapping(value: dict) -> str:
    """A JSON object, keys (strings, as every database gives them back) sorted."""
    try:
        keys = sorted(value)
    except TypeError:  # keys of several types: only strings once stored
        keys = None
    if keys is None or (keys and type(keys[0]) is not str):
        value = {json_key(key): item for key, item in value.items()}
        keys = sorted(value)
    pairs = [json_string(key) + ":" + canonical_json(value[key]) for key in keys]
    return "{" + ",".join(pairs) + "}"


def canonical_json(value) -> str:
    """A JSON value as canonical text: sorted keys, no spaces, numbers as jsonb
    gives them back. The common types first: this runs for every row written."""
    kind = type(value)
    if kind is str:
        return json_string(value)
    if kind is dict or kind is list or kind is tuple:
        text = flat_text(value, kind)
        if text is not None:
            return text
        if kind is dict:
            return canonical_mapping(value)
        return "[" + ",".join([canonical_json(item) for item in value]) + "]"
    if value is None or value is True or value is False:
        return {None: "null", True: "true", False: "false"}[value]
    if kind is float or kind is int:
        return number(value)
    for base in (str, dict, list, tuple, int, float):  # subclasses (enums, ...)
        if isinstance(value, base):
            return canonical_json(base(value))
    raise TypeError(f"{kind.__name__} is not a JSON value")


def flat_text(value: dict | list | tuple, kind: type) -> str | None:
    """The canonical text of an object or array of plain values, written in C
    (an array of text by json's own escaping, else by orjson, kept only where its
    text is the canonical one); None where it might not be."""
    if kind is not dict and TEXT.issuperset(map(type, value)):  # a path, a set
        return "[" + ",".join(map(json_string, value)) + "]"
    if not PLAIN.issuperset(map(type, value.values() if kind is dict else value)):
        return None
    if kind is dict and not TEXT.issuperset(map(type, value)):
        return None
    try:
        text = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
    except orjson.JSONEncodeError:  # an integer beyond 64 bits
        return None
    if not text.isascii():
        return None
    text = text.decode("ascii")
    for part in NOT_CANONICAL:
        if part in text:
            return None
    return text


def utc_text(value: dt.datetime) -> str:
    """A time as UTC, ISO 8601 with microseconds."""
    return value.astimezone(dt.UTC).isoformat(timespec="microseconds")


def timestamp(value: dt.datetime) -> str:
    return json_string(utc_text(value))


def encoder_for(field: models.Field) -> Callable[[object], str]:
    """How a non-NULL value of `field` is written in the canonical text."""
    if isinstance(field, models.JSONField):
        return canonical_json
    if isinstance(field, models.DateTimeField):
        return timestamp
    if isinstance(field, models.BooleanField):
        return lambda value: "true" if value else "false"
    if isinstance(field, models.FloatField):
        return lambda value: repr(float(value))
    if field.is_relation or isinstance(field, models.IntegerField):
        return lambda value: str(int(value))
    if isinstance(field, models.CharField | models.TextField):
        return lambda value: json_string(str(value))
    raise TypeError(f"no canonical form for {field.name} ({type(field).__name__})")
