"""The API's orjson renderer writes DRF's JSONRenderer's bytes, whatever it is
given: where orjson would write otherwise, DRF writes."""

import collections
import datetime as dt
import decimal
import random
import uuid

import pytest
from django.utils.translation import gettext_lazy
from rest_framework.exceptions import ErrorDetail
from rest_framework.renderers import JSONRenderer

from predictions.renderers import FastJSONRenderer, Found

Point = collections.namedtuple("Point", "x y")
AWKWARD = [
    {"probabilities": {"drugA": 1e-05, "drugB": 0.99999}},  # Python: 1e-05
    [1.5e-07, 5e-324, 1e16, 1.2345678901234568e17, -0.0, 0.0001, 1e22],
    [2**64, -(2**63) - 1],  # beyond orjson's 64 bits
    {"note": "line\u2028separator\u2029paragraph", "del": "\x7f", "nul": "\x00"},
    {"é": "ünïcode ≥ → 😀", "ctl": '\x1f\n\t"\\/'},
    {"when": dt.datetime(2026, 1, 2, 3, 4, 5, 678901, tzinfo=dt.UTC)},
    {"day": dt.date(2026, 1, 2), "time": dt.time(3, 4, 5, 600000)},
    {"amount": decimal.Decimal("1.50"), "id": uuid.UUID(int=7)},
    {"lazy": gettext_lazy("This field is required."), "point": Point(1, 2)},
    {"errors": {"0": {"age": [ErrorDetail("Age is required.", code="invalid")]}}},
    collections.OrderedDict(b=1, a=2),
    [None, True, False, 0, -1, 3.14, "", [], {}],
]


def drf(data, media_type=None) -> bytes:
    return JSONRenderer().render(data, media_type)


@pytest.mark.parametrize("data", AWKWARD)
def test_awkward_values_render_as_drf_renders_them(data):
    assert FastJSONRenderer().render(data) == drf(data)


@pytest.mark.parametrize("data", AWKWARD)
def test_awkward_values_in_a_batch_sized_answer_render_as_drf_renders_them(data):
    """Searched through numpy, as a batch's answer is, not by ``in``."""
    large = {"padding": ["x" * 100] * 200, "value": data}
    assert len(drf(large)) >= Found.SMALL
    assert FastJSONRenderer().render(large) == drf(large)


def test_lines_separators_are_escaped_as_drf_escapes_them():
    text = FastJSONRenderer().render({"a": "x\u2028y\u2029"})
    assert text == b'{"a":"x\\u2028y\\u2029"}'


def test_an_indented_answer_is_drfs():
    media_type = "application/json; indent=4"
    data = {"a": [1, 2]}
    assert FastJSONRenderer().render(data, media_type) == drf(data, media_type)


def test_nothing_renders_as_nothing():
    assert FastJSONRenderer().render(None) == b""


def test_what_drf_refuses_is_refused_alike():
    with pytest.raises(TypeError):
        drf({"a": object()})
    with pytest.raises(TypeError):
        FastJSONRenderer().render({"a": object()})


def test_random_answers_render_byte_for_byte_as_drfs():
    rng = random.Random(11)

    def number():
        if rng.random() < 0.01:  # beyond orjson's 64 bits: DRF renders the body
            return rng.randint(2**64, 2**70)
        return rng.choice(
            [
                rng.random() * 10 ** rng.randint(-12, 20),
                -rng.random(),
                rng.randint(-(2**63), 2**64 - 1),
                rng.randint(0, 100),
                round(rng.uniform(1, 100), 3),
            ]
        )

    def text():
        return "".join(rng.choice('aZ09 ≥→é\u2028\x7f"\\\n') for _ in range(8))

    def answer():
        return {
            "id": rng.randint(1, 10**9),
            "probabilities": {text(): number() for _ in range(5)},
            "explanation": [text() for _ in range(rng.randint(0, 4))],
            "boundary": {"value": number(), "near": rng.random() < 0.5},
            "coverage": rng.choice([None, 0.95]),
        }

    bodies = [[answer() for _ in range(20)] for _ in range(100)]
    assert [FastJSONRenderer().render(b) for b in bodies] == [drf(b) for b in bodies]
