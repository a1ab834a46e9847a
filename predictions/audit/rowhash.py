"""Row hashes: SHA-256 of a row's canonical text (predictions.audit.canonical).

The service hashes each new row before its INSERT (``row_hashes_set``); sealing and
verification hash rows as the database gives them back (``RowHasher.of_values``).
"""

from __future__ import annotations

import hashlib
import itertools
import operator
from collections.abc import Callable, Sequence
from functools import cache

from django.db import models

from predictions.audit.canonical import encoder_for, json_string

PREFIX = b"drugsite-audit-row-v1\n"
UNHASHED = ("id", "row_hash")


def remembered(encode: Callable[[object], str]) -> Callable[[object], str]:
    """`encode`, done once per object: rows of a request share values (a leaf's
    probabilities). Only for objects alive as long as the memo."""
    memo: dict[int, str] = {}

    def encode_once(value) -> str:
        key = id(value)
        if key not in memo:
            memo[key] = encode(value)
        return memo[key]

    return encode_once


def shared(values: list) -> bool:
    """Whether some object is the value of several rows."""
    return len(set(map(id, values))) < len(values)


class RowHasher:
    """Hashes rows of one model (the live one, or a migration's historical one)."""

    def __init__(self, model: type[models.Model]) -> None:
        fields = sorted(
            (f for f in model._meta.concrete_fields if f.attname not in UNHASHED),
            key=lambda field: field.column,
        )
        self.fields = fields
        self.attnames = [field.attname for field in fields]
        self.keys = [json_string(field.column) + ":" for field in fields]
        self.encoders = [encoder_for(field) for field in fields]

    def of_values(self, values: Sequence) -> str:
        """The hash of a row given its values in ``self.attnames`` order."""
        parts = [
            key + encode(value)
            for key, encode, value in zip(self.keys, self.encoders, values, strict=True)
            if value is not None
        ]
        return digest(parts)

    def of_row(self, row: models.Model) -> str:
        return self.of_values([getattr(row, name) for name in self.attnames])

    def of_rows(self, rows: Sequence[models.Model]) -> list[str]:
        """The hashes of many rows, as ``of_row`` gives them, column by column: a
        value one object for every row (the request's time, user, id) is written
        once, and so is each JSON object they share; each row's text is then one
        template filled with its own parts."""
        dicts = [row.__dict__ for row in rows]
        parts: list[str | list[str]] = []  # per column: its part, or each row's
        for name, key, encode, field in zip(
            self.attnames, self.keys, self.encoders, self.fields, strict=True
        ):
            values = list(map(operator.itemgetter(name), dicts))
            first = values[0]
            if all(map(operator.is_, values, itertools.repeat(first))):
                parts.append("" if first is None else "," + key + encode(first))
                continue
            if isinstance(field, models.JSONField) and shared(values):
                encode = remembered(encode)
            key = "," + key
            parts.append(["" if v is None else key + encode(v) for v in values])
        template = "".join(
            "%s" if type(part) is list else part.replace("%", "%%") for part in parts
        )
        own = [part for part in parts if type(part) is list]
        each = zip(*own, strict=True) if own else itertools.repeat((), len(rows))
        # Every part starts with its comma: the text's first one is dropped.
        return [digest_text("{" + (template % mine)[1:] + "}") for mine in each]


def digest(parts: list[str]) -> str:
    """SHA-256 of a row's canonical text, from its columns' ``"name":value`` parts."""
    return digest_text("{" + ",".join(parts) + "}")


def digest_text(text: str) -> str:
    """SHA-256 of a row's canonical text."""
    return hashlib.sha256(PREFIX + text.encode("ascii")).hexdigest()


@cache
def row_hasher(model: type[models.Model]) -> RowHasher:
    """The hasher of a model's rows, made once per process."""
    return RowHasher(model)


def row_hashes_set(rows: Sequence[models.Model]) -> None:
    """Give new rows of one request their ``row_hash``, before they are inserted."""
    if rows:
        hasher = row_hasher(type(rows[0]))
        # Column by column pays off from a few rows; one row is hashed directly.
        hashes = hasher.of_rows(rows) if len(rows) > 1 else [hasher.of_row(rows[0])]
        for row, row_hash in zip(rows, hashes, strict=True):
            row.row_hash = row_hash
