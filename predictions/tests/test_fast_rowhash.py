"""Row hashes made fast are the row hashes: orjson's text of plain objects and
arrays is used only where it is the canonical text, and a request's rows hashed
together hash as each row alone."""

import datetime as dt
import enum
import random

import pytest

from predictions.audit.canonical import canonical_json, canonical_mapping, flat_text
from predictions.audit.rowhash import row_hasher
from predictions.models import Channel, Outcome, Prediction


class Shade(str, enum.Enum):  # noqa: UP042 (str() is not its value)
    DARK = "dark"


def written_slowly(value) -> str:
    """The canonical text of a flat object or array, value by value."""
    if isinstance(value, dict):
        return canonical_mapping(value)
    return "[" + ",".join(canonical_json(item) for item in value) + "]"


AWKWARD = [
    1e-05, 1.5e-07, 5e-324, 1e16, -1e22, 1.2345678901234568e17, -0.0, 0.0, 0.0001,
    float("nan"), float("inf"), -float("inf"), 2**63, 2**64, -(2**70), True, False,
    "", "a\x7fb", "é", "≥ → 😀", "\x00\x1f\n\"\\/", "null", "e-5", "%s %%", 14.81,
    Shade.DARK, Channel.API, None,
]  # fmt: skip


def test_awkward_values_in_arrays_and_objects_are_written_canonically():
    for value in AWKWARD:
        for container in ([value], (value, 1), {"k": value, "a": [value][0]}):
            assert canonical_json(container) == written_slowly(container)


@pytest.mark.parametrize(
    "mapping",
    [{1: "a", 2: "b", 10: "c"}, {"b": 1, "a": 2, "B": 3}, {"é": 1, "e": 2}, {}],
)
def test_keys_are_sorted_as_canonical_text_sorts_them(mapping):
    assert canonical_json(mapping) == canonical_mapping(mapping)


def test_random_flat_values_are_written_canonically():
    rng = random.Random(8)
    for _ in range(3000):
        items = [rng.choice(AWKWARD[:-1]) for _ in range(rng.randint(0, 6))]
        items += [rng.random() * 10 ** rng.randint(-8, 18) for _ in range(3)]
        rng.shuffle(items)
        mapping = {f"k{rng.randint(0, 99)}": item for item in items}
        assert canonical_json(items) == written_slowly(items)
        assert canonical_json(mapping) == written_slowly(mapping)


def test_orjson_writes_the_common_shapes():
    assert flat_text({"DrugY": 1.0, "drugA": 0.0}, dict) == '{"DrugY":1.0,"drugA":0.0}'
    assert flat_text(["BP = LOW", "Age 47 <= 50.5"], list) is not None


def rows_of_one_request(count: int, rng: random.Random) -> list[Prediction]:
    now = dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC)
    shared = {"DrugY": 1.0, "drugX": 0.0}
    common = {
        "created_at": now,
        "channel": Channel.API,
        "outcome": Outcome.ANSWERED,
        "username": "50% of %s",  # a constant part with % in it
        "request_id": "r" * 32,
        "latency_us": 3,
    }
    each = [
        {
            "item_index": index,
            "age": rng.randint(0, 120),
            "sex": rng.choice("FM"),
            "bp": "LOW",
            "cholesterol": "HIGH",
            "na_to_k": rng.choice([rng.uniform(1, 100), None]),
            "drug": rng.choice(["DrugY", "drug%s"]),
            "probabilities": shared if index % 3 else {"drugA": 1e-05, "drugB": 1.0},
            "explanation": [f"Age {index} > 50%", "BP = LOW"],
            "warnings": [],
            "boundary": rng.choice([None, {"value": -0.0, "near": True}]),
        }
        for index in range(count)
    ]
    return Prediction.new_rows(user=None, model_version=None, common=common, each=each)


@pytest.mark.parametrize("count", [2, 3, 50])
def test_rows_hashed_together_hash_as_each_row_alone(count):
    rows = rows_of_one_request(count, random.Random(count))
    hasher = row_hasher(Prediction)
    assert hasher.of_rows(rows) == [hasher.of_row(row) for row in rows]


def test_alike_rows_hash_alike_together_and_alone():
    (row,) = rows_of_one_request(1, random.Random(1))
    rows = [row, row, row]
    hasher = row_hasher(Prediction)
    assert hasher.of_rows(rows) == [hasher.of_row(row)] * 3
