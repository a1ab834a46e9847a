"""The parser's orjson path gives what ``json.loads`` gives, types included, and
leaves every body it might read otherwise to the checked path."""

import json
import random

import pytest
from django.test import RequestFactory

from predictions.bodies import BodyRejected
from predictions.parsers import SLOW, SafeJSONParser, quick_loads

URL = "/api/v1/predictions/"


def parse(body: str | bytes):
    request = RequestFactory().post(URL, body, content_type="application/json")
    context = {"request": request, "encoding": "utf-8"}
    return SafeJSONParser().parse(request, "application/json", context)


def typed(value):
    """A value with its types spelled out: 1, 1.0 and True are not alike here."""
    if isinstance(value, dict):
        return {key: typed(item) for key, item in value.items()}, "dict"
    if isinstance(value, list):
        return [typed(item) for item in value], "list"
    return repr(value), type(value).__name__


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "b": 2, "a": 3}',  # the last one wins, in the first one's place
        "[-0.0, -0, 0e5, 1E2, 1.5E+2, 1.0e-400, 0.1e1, 5e-324]",
        "[184467440737095516, -922337203685477580, 9007199254740993.0]",
        '["\\ud83d\\ude00", "\\u0000", "\\/", "é≥"]',
        ' \n [{"age": 47, "sex": "F"}] \r\t',
        json.dumps({"note": "[{" * 30, "age": 1}),  # brackets in a string
        "[" * 20 + "]" * 20,
        '[{"age": 1e20, "na_to_k": -9.3e18}]',  # floats, whatever their size
    ],
)
def test_bodies_orjson_reads_parse_as_json_loads_reads_them(text):
    assert quick_loads(text) is not SLOW
    assert typed(parse(text)) == typed(json.loads(text))


@pytest.mark.parametrize(
    "text",
    [
        "[18446744073709551616]",  # orjson: a float; json: an int
        "[-9223372036854775809]",
        '[{"age": 47, "na_to_k": 99999999999999999999}]',
        '{"a": [1, 99999999999999999999]}',
        "[" + "9" * 5000 + "]",  # json refuses it: a 400 naming why
        "[NaN]",
        "[1e999]",
        '"\\ud800"',
        '"\\ude00\\ud83d"',
        "[" * 21 + "]" * 21,
        "[1,]",
        "",
    ],
)
def test_bodies_orjson_might_read_otherwise_take_the_checked_path(text):
    assert quick_loads(text) is SLOW


def test_deep_nesting_is_refused_as_before_whichever_reads_it():
    body = '{"a":' * 21 + "1" + "}" * 21
    with pytest.raises(BodyRejected) as caught:
        parse(body)
    assert "deeper than 20" in str(caught.value.detail)


def test_random_batches_parse_as_json_loads_reads_them():
    rng = random.Random(3)

    def value():
        return rng.choice(
            [
                rng.randint(-(2**70), 2**70),
                rng.randint(0, 120),
                rng.random() * 10 ** rng.randint(-30, 30),
                rng.choice(["F", "m ", "HIGH", "", "≥", "\u2028", "[{"]),
                None,
                True,
                [1, {"x": 2.5}],
            ]
        )

    for _ in range(200):
        batch = [{f"k{i}": value() for i in range(5)} for _ in range(10)]
        text = json.dumps(batch, indent=rng.choice([None, 2]))
        assert typed(parse(text)) == typed(json.loads(text))
