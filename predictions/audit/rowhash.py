"""Row hashes: SHA-256 of a row's canonical text (predictions.audit.canonical).

The service hashes each new row before its INSERT (``row_hashes_set``); sealing and
verification hash rows as the database gives them back (``RowHasher.of_values``).
"""

from __future__ import annotations

import hashlib
import itertools
import operator
from collections.abc import Sequence
from functools import cache

from django.db import models

from predictions.audit.canonical import encoder_for, json_string
from predictions.audit.columns import column_texts

PREFIX = b"drugsite-audit-row-v1\n"
UNHASHED = ("id", "row_hash")


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
        once, each column's values by one C-level pass (``column_texts``); each
        row's text is then its parts joined (``digests``)."""
        parts: list[str | list] = []  # per column: its part, or each row's text
        for values, key, encode, field in zip(
            columns_of(rows, self.attnames), self.keys, self.encoders, self.fields,
            strict=True,
        ):  # fmt: skip
            first = values[0]
            if all(map(operator.is_, values, itertools.repeat(first))):
                parts.append("" if first is None else "," + key + encode(first))
                continue
            texts = column_texts(field, encode, values)
            if None in texts:  # NULL in some rows: no part at all there
                key = "," + key
                texts = ["" if text is None else key + text for text in texts]
                parts.append(texts)
            else:
                parts.append("," + key)
                parts.append(texts)
        return digests(parts, len(rows))


def columns_of(rows: Sequence[models.Model], names: list[str]) -> list[tuple]:
    """Each named column's values in `rows`, in order."""
    values = operator.itemgetter(*names, names[0])  # a tuple, even of one name
    return list(zip(*map(values, map(vars, rows)), strict=True))[:-1]


def digests(parts: list, count: int) -> list[str]:
    """Hashes of rows whose texts are `parts` joined: per column, a text of every
    row or each row's own (a list); every part written, of either, starts with
    its comma, and the text's first is dropped."""
    parts = merged([part for part in parts if part != ""])  # "": NULL in every row
    if not parts or type(parts[0]) is list:  # NULL in some rows' first: rare
        return [
            digest_text("{" + "".join(mine)[1:] + "}")
            for mine in each_row(parts, count)
        ]
    head = PREFIX.decode() + "{" + parts[0][1:]
    texts = map("".join, each_row([head, *parts[1:], "}"], count))
    encoded = map(operator.methodcaller("encode", "ascii"), texts)
    return list(map(operator.methodcaller("hexdigest"), map(hashlib.sha256, encoded)))


def merged(parts: list) -> list:
    """The parts, each run of texts every row shares joined into one."""
    out: list = []
    for part in parts:
        if out and type(part) is str and type(out[-1]) is str:
            out[-1] += part
        else:
            out.append(part)
    return out


def each_row(parts: list, count: int):
    """Each row's parts, a column's text repeated where all rows share it."""
    columns = [p if type(p) is list else itertools.repeat(p, count) for p in parts]
    return zip(*columns, strict=True) if columns else itertools.repeat((), count)


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
