"""Records of API items that are already written as ml.validation writes them
back (categories canonical, numbers in range as JSON numbers): most of a batch.

``quick_record`` checks one item, ``quick_records`` a whole batch column by
column; anything else gives None, and ml.validation decides and words the errors
(predictions.serializers). Same records either way
(predictions/tests/test_fast_serializers.py, test_fast_columns.py).
"""

from __future__ import annotations

import math
import operator
from collections import deque
from itertools import repeat
from operator import itemgetter

from ml import features as vocab

#: Per field, in the record's order: its categories, or its range and whether
#: it is a whole number.
CHECKS = tuple(
    (
        vocab.FIELD_NAMES[name],
        vocab.CATEGORIES.get(name),
        *vocab.RANGES.get(name, (None, None)),
        name in vocab.INTEGER,
    )
    for name in vocab.FEATURES
)
FIELD_SET = frozenset(vocab.FIELDS)


def quick_record(item) -> vocab.PatientRecord | None:
    """The record of an item written as ml.validation would write it back
    (categories spelled as in ml.features, numbers in range as JSON numbers), or
    None: ml.validation decides, and words the errors. Most of a batch is so."""
    if type(item) is not dict or item.keys() != FIELD_SET:
        return None
    values = []
    for field, allowed, low, high, integer in CHECKS:
        value = item[field]
        kind = type(value)  # exactly: a bool is not a number here
        if allowed is not None:
            if kind is not str or value not in allowed:
                return None
        elif kind is int or (kind is float and not integer):
            if not low <= value <= high:  # NaN is not
                return None
            value = value if integer or kind is float else float(value)
        else:
            return None
        values.append(value)
    return vocab.PatientRecord(*values)


def quick_records(items: list) -> list[vocab.PatientRecord] | None:
    """``quick_record`` of every item, checked column by column, or None if one
    is not so (then each is checked alone, and errors are worded per record)."""
    if set(map(type, items)) != {dict}:
        return None
    if not all(map(operator.eq, map(dict.keys, items), repeat(FIELD_SET))):
        return None
    columns = []
    for field, allowed, low, high, integer in CHECKS:
        values = list(map(itemgetter(field), items))
        kinds = set(map(type, values))
        if allowed is not None:
            if kinds != {str} or not ALLOWED[field].issuperset(values):
                return None
        elif kinds == {int} or (not integer and kinds <= {int, float}):
            if not low <= min(values) <= max(values) <= high:
                return None
            if float in kinds and any(map(math.isnan, values)):
                return None
            if not integer:
                values = list(map(float, values))  # a float is itself
        else:
            return None
        columns.append(values)
    return records_of(columns)


def records_of(columns: list[list]) -> list[vocab.PatientRecord]:
    """``PatientRecord(*values)`` of each row of checked columns (FIELDS order),
    its slots filled column by column: what its ``__init__`` does, one frozen
    ``object.__setattr__`` per field and record, at a third of the cost."""
    kind = vocab.PatientRecord
    records = list(map(object.__new__, repeat(kind, len(columns[0]))))
    for name, values in zip(vocab.FIELDS, columns, strict=True):
        deque(map(getattr(kind, name).__set__, records, values), maxlen=0)
    return records


ALLOWED = {field: frozenset(allowed) for field, allowed, *_ in CHECKS if allowed}
