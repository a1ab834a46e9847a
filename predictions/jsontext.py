"""JSON text of a column of objects alike (a batch's boundaries): one C-level pass
per key instead of one encoder call per object.

Objects with the same keys in the same order, each key's values of one scalar
type, are written as ``json.dumps`` writes them (``SPACED``: the log's columns)
or as the canonical text writes them (``CANONICAL``: keys sorted, compact,
numbers as predictions.audit.canonical writes them); any other column is None,
and is left to the caller's encoder. Tested against both, value by value
(predictions/tests/test_fast_columns.py).
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from functools import partial
from itertools import chain, repeat
from json.encoder import encode_basestring_ascii as json_string
from typing import NamedTuple

import orjson

BOOLEAN = {False: "false", True: "true"}
SEQUENCES = frozenset((list, tuple))
NUMBERS = frozenset((int, float))  # exactly: a bool is not one here


class Style(NamedTuple):
    """How a JSON text is spelled."""

    sort_keys: bool
    key_separator: str
    item_separator: str
    canonical_numbers: bool  # -0.0 as 0.0, a float beyond 1e16 as an integer


SPACED = Style(False, ": ", ", ", False)  # json.dumps's defaults
CANONICAL = Style(True, ":", ",", True)


def scalar_texts(values: list, style: Style) -> list[str] | None:
    """Each value's JSON text, where all are text, all booleans or all numbers;
    else None."""
    kinds = set(map(type, values))
    if kinds == {str}:
        return list(map(json_string, values))
    if kinds == {bool}:
        return list(map(BOOLEAN.__getitem__, values))
    if kinds <= NUMBERS:  # a boundary's value: Age's int, Na_to_K's float
        texts = number_texts(values)
        written = "".join(texts)
        if "n" in written:  # nan, inf: each style spells them its own way
            return None
        if style.canonical_numbers and ("e+" in written or "-0.0" in texts):
            return None
        return texts
    return None


def number_texts(values: Sequence[int | float]) -> list[str]:
    """``repr`` of each number (exactly int or float): orjson's text, one call
    for all, where it spells them as ``repr`` does (everywhere but exponents,
    ``0.0000x``, NaN and infinities: tested on a million floats), else ``repr``."""
    try:
        written = orjson.dumps(values).decode()
    except orjson.JSONEncodeError:  # an integer beyond 64 bits
        return list(map(repr, values))
    if not values or any(spelling in written for spelling in REPR_OTHERWISE):
        return list(map(repr, values))
    return written[1:-1].split(",")


#: In orjson's text of numbers, what ``repr`` spells otherwise: exponents
#: (``1e-7``, ``1e+16``), ``0.00001`` (``1e-05``), NaN and infinities (null).
REPR_OTHERWISE = ("e", "0.0000", "n")


def object_texts(values: list[dict], style: Style) -> list[str] | None:
    """Each object's JSON text, where all have the same text keys in the same
    order and each key's values of one kind (``scalar_texts``); else None."""
    keys = tuple(values[0])
    if set(map(type, keys)) - {str}:
        return None
    if not all(map(operator.eq, map(tuple, values), repeat(keys))):
        return None
    if not keys:
        return ["{}"] * len(values)
    parts: list = []
    for key in sorted(keys) if style.sort_keys else keys:
        texts = scalar_texts(list(map(operator.itemgetter(key), values)), style)
        if texts is None:
            return None
        separator = style.item_separator if parts else "{"
        parts += [separator + json_string(key) + style.key_separator, texts]
    columns = [p if type(p) is list else repeat(p, len(values)) for p in parts]
    return list(map("".join, zip(*columns, repeat("}"), strict=False)))


def array_texts(values: list, style: Style) -> list[str]:
    """Each array of text's JSON text (``values``: lists or tuples of str only).

    Where no item needs an escape (printable ASCII without quote or backslash)
    and no array is empty, as a batch's explanations are, each is its items
    joined between quotes; else each item is escaped (``json_string``)."""
    separator = style.item_separator
    items = "".join(chain.from_iterable(values))
    if plain_text(items) and all(values):
        joiner = '"' + separator + '"'
        return list(map('["%s"]'.__mod__, map(joiner.join, values)))
    escaped = map(partial(map, json_string), values)
    return list(map("[%s]".__mod__, map(separator.join, escaped)))


def plain_text(text: str) -> bool:
    """Whether ``json_string(text)`` is `text` between quotes."""
    return (
        text.isascii() and text.isprintable() and '"' not in text and "\\" not in text
    )


def texts_of_text_arrays(values: list, style: Style) -> list[str] | None:
    """``array_texts`` where every value is a list or tuple of text, else None."""
    if not set(map(type, values)) <= SEQUENCES:
        return None
    if not set(map(type, chain.from_iterable(values))) <= {str}:
        return None
    return array_texts(values, style)


def each_distinct(values: Sequence, write: Callable[[list], list[str]]) -> list:
    """``write`` of each value, None for None, each distinct object (a leaf's
    probabilities, shared by its rows) written once: `values` keeps it alive."""
    ids = list(map(id, values))
    first = dict(zip(ids, values, strict=True))
    if len(first) == len(ids) and id(None) not in first:  # all distinct
        return write(list(values))
    present = [value for value in first.values() if value is not None]
    texts = dict(zip(map(id, present), write(present), strict=True))
    texts[id(None)] = None
    return list(map(texts.__getitem__, ids))
