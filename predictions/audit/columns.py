"""The canonical text of a whole column of values, as ``encoder_for`` writes each.

A request's rows are hashed column by column (``RowHasher.of_rows``): a column
whose values are all of one plain type is written by one C-level ``map`` (text by
json's own escaping, numbers by their ``repr``), a JSON column's distinct objects
once each, its arrays of text and its flat objects as ``flat_text`` writes them,
checked once for the column. Whatever is not so is written value by value, by
the column's own encoder: the text is the same either way
(predictions/tests/test_fast_columns.py).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from itertools import chain

import orjson
from django.db import models

from predictions.audit.canonical import NOT_CANONICAL, PLAIN, TEXT, json_string
from predictions.jsontext import (
    CANONICAL,
    array_texts,
    each_distinct,
    number_texts,
    object_texts,
)

Encode = Callable[[object], str]
SEQUENCES = frozenset((list, tuple))
BOOLEAN = {False: "false", True: "true"}
NONE = type(None)
dumps_sorted = partial(orjson.dumps, option=orjson.OPT_SORT_KEYS)
NOT_CANONICAL_BYTES = tuple(part.encode() for part in NOT_CANONICAL)


def column_texts(field: models.Field, encode: Encode, values: list) -> list:
    """Each value's canonical text (``encode(value)``), None for None."""
    if isinstance(field, models.JSONField | models.DateTimeField):
        return distinct_texts(values, encode)
    kinds = set(map(type, values))
    if len(kinds) != 1:
        return [None if v is None else encode(v) for v in values]
    kind = kinds.pop()
    if kind is NONE:
        return [None] * len(values)
    if isinstance(field, models.BooleanField):
        return list(map(BOOLEAN.__getitem__, map(bool, values)))
    if kind is float and isinstance(field, models.FloatField):
        return number_texts(values)
    if kind is int and (field.is_relation or isinstance(field, models.IntegerField)):
        return number_texts(values)
    if kind is str and isinstance(field, models.CharField | models.TextField):
        return list(map(json_string, values))
    return [None if v is None else encode(v) for v in values]


def distinct_texts(values: list, encode: Encode) -> list:
    """Texts of a column whose rows share objects (a leaf's probabilities, the
    request's time): each distinct object (``values`` keeps it alive) written once."""
    return each_distinct(values, partial(json_texts, encode=encode))


def json_texts(values: list, encode: Encode) -> list[str]:
    """The canonical texts of non-NULL values: in C where ``flat_text`` would be."""
    kinds = set(map(type, values))
    if not values or not kinds <= SEQUENCES | {dict}:
        return list(map(encode, values))
    if kinds <= SEQUENCES and TEXT.issuperset(map(type, chain.from_iterable(values))):
        # Arrays of text (a path, a set): ``flat_text``'s json escaping.
        return array_texts(values, CANONICAL)
    if kinds == {dict}:
        texts = object_texts(values, CANONICAL)  # objects alike: a boundary
        if texts is not None:
            return texts
        flat = TEXT.issuperset(map(type, chain.from_iterable(values)))
        items = chain.from_iterable(map(dict.values, values))
    else:
        flat, items = dict not in kinds, chain.from_iterable(values)
    if flat and PLAIN.issuperset(map(type, items)):
        try:
            written = list(map(dumps_sorted, values))
        except orjson.JSONEncodeError:  # an integer beyond 64 bits
            return list(map(encode, values))
        joined = b"".join(written)
        if joined.isascii() and not any(p in joined for p in NOT_CANONICAL_BYTES):
            return list(map(bytes.decode, written))
    return list(map(encode, values))
