"""Texts written a column at a time are each value's text: the canonical text of
a row hash (predictions.audit.columns), ``json.dumps`` of a log column
(predictions.writes), orjson's numbers (predictions.jsontext), and what a
batch's records and answer need (serializers, renderers)."""

import json
import random

import pytest
from django.db import models

from ml import features as vocab
from predictions.audit.canonical import canonical_json, encoder_for
from predictions.audit.columns import column_texts
from predictions.jsontext import CANONICAL, SPACED, number_texts, object_texts
from predictions.logjson import json_column
from predictions.models import Prediction
from predictions.quick_records import quick_record, quick_records, records_of
from predictions.renderers import Found
from predictions.writes import CHUNK, chunked

AWKWARD_NUMBERS = [
    1e-05, 1.5e-07, 5e-324, 1e16, -1e22, 1.2345678901234568e17, -0.0, 0.0, 0.0001,
    0.00012, 1e15, 9999999999999998.0, float("nan"), float("inf"), -float("inf"),
    2**63 - 1, -(2**63), 2**64, 0, -7, 14.81, 0.1 + 0.2,
]  # fmt: skip
AWKWARD_TEXT = ["", "a\x7fb", "é", "≥ → 😀", '\x00\x1f\n"\\/', "null", "e-5", "%s %%"]


def numbers(rng: random.Random, count: int, awkward: float) -> list:
    """Plain floats and ints, now and then an awkward one."""
    return [
        rng.choice(AWKWARD_NUMBERS)
        if rng.random() < awkward
        else rng.choice(
            [round(rng.uniform(0, 100), rng.randint(0, 4)), rng.randint(0, 120)]
        )
        for _ in range(count)
    ]


@pytest.mark.parametrize("awkward", [0.0, 0.01, 0.5])
def test_numbers_are_written_as_repr_writes_them(awkward):
    rng = random.Random(int(awkward * 100))
    for _ in range(300):
        values = numbers(rng, rng.randint(0, 30), awkward)
        assert number_texts(values) == list(map(repr, values))


def boundary(rng: random.Random, awkward: float) -> dict:
    """An object like a row's boundary (keys in its order), sometimes odd."""
    value = {
        "feature": rng.choice(["Age", "Na_to_K", *AWKWARD_TEXT]),
        "threshold": numbers(rng, 1, awkward)[0],
        "value": numbers(rng, 1, awkward)[0],
        "distance": numbers(rng, 1, awkward)[0],
        "near": rng.random() < 0.5,
    }
    if rng.random() < awkward:
        value[rng.choice(["extra", "near", "a"])] = rng.choice([None, [1], "x", True])
    return value


@pytest.mark.parametrize("awkward", [0.0, 0.01, 0.3])
def test_objects_alike_are_written_as_json_and_canonical_text_write_them(awkward):
    rng = random.Random(int(awkward * 100) + 1)
    for _ in range(200):
        values = [boundary(rng, awkward) for _ in range(rng.randint(1, 20))]
        spaced, canonical = (
            object_texts(values, SPACED),
            object_texts(values, CANONICAL),
        )
        if spaced is not None:
            assert spaced == list(map(json.dumps, values))
        if canonical is not None:
            assert canonical == list(map(canonical_json, values))
        if awkward == 0.0:  # the usual batch: written a column at a time
            assert spaced is not None
            assert canonical is not None


def json_value(rng: random.Random, kind: int, shared: list):
    """A value a JSON column might hold, often one object several rows share."""
    if shared and rng.random() < 0.3:
        return rng.choice(shared)
    if kind == 0:
        return None
    if kind == 1:
        return boundary(rng, 0.05)
    if kind == 2:  # an explanation, a prediction set: text only
        items = ["Na_to_K 14.5 > 14.81", "BP = HIGH", *AWKWARD_TEXT[:2]]
        value = [rng.choice(items) for _ in range(rng.randint(0, 3))]
    elif kind == 3:  # probabilities
        value = {drug: rng.choice([0.0, 1.0, rng.random()]) for drug in vocab.LABELS}
    elif kind == 4:  # flips: objects and nulls, non-ASCII text
        value = [None, {"feature": "Age", "text": "Age ≥ 50 → drugB", "value": 50.0}]
    elif kind == 5:
        value = tuple(numbers(rng, 3, 0.2))
    else:
        value = {"ü": [1, {"k": 1e300}], "": None, "n": rng.choice(AWKWARD_NUMBERS)}
    shared.append(value)
    return value


def json_columns(seed: int, uniform: bool):
    """Columns of JSON values: each of one kind (as a batch's are), or mixed."""
    rng = random.Random(seed)
    for _ in range(300):
        shared: list = []
        kind = rng.randrange(7)
        yield [
            json_value(rng, kind if uniform else rng.randrange(7), shared)
            for _ in range(rng.randint(1, 25))
        ]


@pytest.mark.parametrize("uniform", [True, False], ids=["one kind", "mixed"])
def test_a_json_column_is_each_values_json_dumps(uniform):
    for values in json_columns(2, uniform):
        expected = [None if value is None else json.dumps(value) for value in values]
        assert json_column(values) == expected


FIELDS = {
    field.attname: field
    for field in Prediction._meta.concrete_fields
    if field.attname not in ("id", "row_hash")
}


@pytest.mark.parametrize("uniform", [True, False], ids=["one kind", "mixed"])
def test_a_json_columns_canonical_texts_are_each_values(uniform):
    field = FIELDS["probabilities"]
    encode = encoder_for(field)
    for values in json_columns(3, uniform):
        expected = [None if value is None else encode(value) for value in values]
        assert column_texts(field, encode, values) == expected


def scalar_values(field: models.Field, rng: random.Random) -> list:
    count = rng.randint(1, 12)
    if isinstance(field, models.FloatField):
        return [rng.choice([*numbers(rng, 1, 0.3), None]) for _ in range(count)]
    if isinstance(field, models.BooleanField):
        return [rng.choice([True, False, 0, 1, None]) for _ in range(count)]
    if isinstance(field, models.IntegerField) or field.is_relation:
        return [rng.choice([rng.randint(0, 2**40), True, None]) for _ in range(count)]
    if isinstance(field, models.CharField):
        return [rng.choice([*AWKWARD_TEXT, "api", None]) for _ in range(count)]
    return []


@pytest.mark.parametrize(
    "name", [n for n, f in FIELDS.items() if not isinstance(f, models.JSONField)]
)
def test_a_columns_canonical_texts_are_each_values(name):
    field, rng = FIELDS[name], random.Random(name)
    encode = encoder_for(field)
    for _ in range(200):
        values = scalar_values(field, rng)
        if rng.random() < 0.5:  # one kind of value, no NULL: the usual
            values = [
                value for value in values if value is not None and value is not True
            ] or values
        expected = [None if value is None else encode(value) for value in values]
        assert column_texts(field, encode, values) == expected


def test_found_holds_what_in_finds():
    rng = random.Random(4)
    patterns = [b"e-", b"0.0000", b"\xe2\x80", b"-", b"a-e", b"0.\xe2", b"xa", b""]
    for _ in range(20000):
        text = bytes(rng.choice(b"e-0.\xe2\x80xa") for _ in range(rng.randint(0, 12)))
        found = Found(text)
        for pattern in patterns:
            assert found.holds(pattern) == (pattern in text), (text, pattern)


def canonical_item(rng: random.Random) -> dict:
    record = vocab.random_record(rng)
    item = record.as_fields()
    if rng.random() < 0.3:
        item["na_to_k"] = rng.randint(1, 100)  # an int where a float is taken
    return item


def test_a_canonical_batch_gives_each_items_record():
    rng = random.Random(5)
    for _ in range(100):
        items = [canonical_item(rng) for _ in range(rng.randint(1, 30))]
        records = quick_records(items)
        assert records == [quick_record(item) for item in items]
        assert [repr(r) for r in records] == [repr(quick_record(i)) for i in items]


@pytest.mark.parametrize(
    "change",
    [
        {"age": 47.0}, {"age": True}, {"age": 121}, {"na_to_k": float("nan")},
        {"na_to_k": 0.5}, {"na_to_k": "20"}, {"sex": "f"}, {"bp": None}, {"extra": 1},
    ],
)  # fmt: skip
def test_a_batch_with_one_other_item_is_left_to_each_item(change):
    rng = random.Random(6)
    items = [canonical_item(rng) for _ in range(10)]
    items[7] = {**items[7], **change}
    assert quick_records(items) is None
    assert quick_records([*items[:7], [1], *items[8:]]) is None


def test_records_of_columns_are_the_records_init_makes():
    rng = random.Random(7)
    rows = [vocab.random_record(rng).as_row() for _ in range(50)]
    made = records_of([list(column) for column in zip(*rows, strict=True)])
    expected = [vocab.PatientRecord(*row) for row in rows]
    assert made == expected
    assert list(map(hash, made)) == list(map(hash, expected))
    with pytest.raises(AttributeError):
        made[0].age = 3  # still frozen


def test_chunks_cover_every_row_with_ten_statement_sizes_at_most():
    sizes = set()
    for count in range(2 * CHUNK + 600):
        chunks = chunked(count)
        assert [row for start, end in chunks for row in range(start, end)] == list(
            range(count)
        )
        sizes.update(end - start for start, end in chunks)
    assert len(sizes) <= 10
    assert max(sizes) == CHUNK
