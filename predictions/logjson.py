"""The log's JSON columns as the ORM writes them: ``json.dumps`` of each value
(Django's ``adapt_json_value``), a column at a time (predictions.writes).

Objects alike (a batch's boundaries) and arrays of text (explanations, sets) are
written a key or an item at a time (predictions.jsontext); anything else by the
C encoder ``json.dumps`` itself calls, made once here where ``json.dumps`` makes
one per call. The text is ``json.dumps``'s (predictions/tests/test_fast_columns.py,
test_writes.py).
"""

from __future__ import annotations

import json
from itertools import repeat
from json.encoder import c_make_encoder, encode_basestring_ascii

from predictions.jsontext import (
    SPACED,
    each_distinct,
    object_texts,
    texts_of_text_arrays,
)

SMALL = 4  # rows: a column this short is written value by value


def json_column(values: list) -> list:
    """JSON text of each value, as the ORM writes it (``json.dumps``); objects
    shared by rows (a leaf's probabilities) are written once. A request's one
    row is written directly: the column-wise paths pay off from a few rows."""
    if len(values) <= SMALL:
        return [None if value is None else one_text(value) for value in values]
    return each_distinct(values, json_texts)


def one_text(value) -> str:
    """``json.dumps`` of one value, by the encoder made once."""
    if ENCODE is not None:
        try:
            return "".join(ENCODE(value, 0))
        except (TypeError, ValueError, RecursionError):
            pass
    return json.dumps(value)


def json_texts(values: list) -> list[str]:
    """``json.dumps`` of each value, by the C encoder ``json.dumps`` itself calls,
    made once (``json.dumps`` makes one per call); anything it refuses is left to
    ``json.dumps``, to raise as it raises."""
    if values and set(map(type, values)) == {dict}:
        texts = object_texts(values, SPACED)  # objects alike: a boundary
        if texts is not None:
            return texts
    texts = texts_of_text_arrays(values, SPACED)  # explanations, sets
    if texts is not None:
        return texts
    if ENCODE is not None:
        try:
            return list(map("".join, map(ENCODE, values, repeat(0))))
        except (TypeError, ValueError, RecursionError):
            pass
    return list(map(json.dumps, values))


#: json.dumps's own encoder, with its defaults; no check for circular values (a
#: log row holds none; json.dumps is asked again if there were one).
ENCODE = c_make_encoder and c_make_encoder(
    None, json.JSONEncoder().default, encode_basestring_ascii, None, ": ", ", ",
    False, False, True,
)  # fmt: skip
