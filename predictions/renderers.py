"""The API's JSON renderer: DRF's output, byte for byte, written by orjson.

A batch's answer is 1,000 objects; DRF's ``json.dumps`` spends more on them than
the prediction does. orjson writes the same text (compact, UTF-8, keys in their
order) except for a float's spelling below 1e-4 (``0.00001``, ``1e-7`` where
Python writes ``1e-05``, ``1e-07``): any output with such a spelling, or that
orjson cannot write (an integer beyond 64 bits, a key that is not text), or an
indented one, is rendered by DRF instead. Types JSON does not know (dates,
decimals, lazy text) go to DRF's encoder, as they do under DRF. Where DRF fails
(a 500), on values no answer holds, orjson writes: NaN and infinities (refused
by the parser, never made by the model) as null, an Enum that is neither text
nor a number as its value.
"""

import numpy as np
import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.settings import api_settings

#: Floats orjson spells otherwise than Python: exponents below 1e-4, 0.0000x.
#: Found anywhere (in a string too), DRF renders: slower, never different.
PYTHON_SPELLS_OTHERWISE = (b"e-", b"0.0000")
#: orjson serializes these itself, where DRF's encoder has its own way.
OPTIONS = orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS


class FastJSONRenderer(JSONRenderer):
    """DRF's JSONRenderer (compact, unicode, strict) through orjson."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if (
            data is None
            or self.ensure_ascii
            or not self.compact
            or self.get_indent(accepted_media_type, renderer_context or {})
        ):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            text = orjson.dumps(
                data, default=self.encoder_class().default, option=OPTIONS
            )
        except TypeError:  # orjson.JSONEncodeError: DRF says what it says
            return super().render(data, accepted_media_type, renderer_context)
        found = Found(text)
        if found.spelled_otherwise():
            return super().render(data, accepted_media_type, renderer_context)
        if found.line_separators():
            # DRF escapes these two: JSON allows them raw, JavaScript did not.
            text = text.replace(b"\xe2\x80\xa8", b"\\u2028")
            text = text.replace(b"\xe2\x80\xa9", b"\\u2029")
        return text


class Found:
    """Which patterns a text holds, each found from its rare byte (``-``, ``.``,
    ``\\xe2``) and its neighbours: ``pattern in text`` for a batch's answer (1 MB)
    costs ten times as much, its common bytes (``e``, ``0``) found everywhere.
    A text shorter than ``SMALL`` (one answer) is searched by ``in``, which costs
    it less than numpy's set-up."""

    RARE = b"-.\xe2"
    SMALL = 16 * 1024

    def __init__(self, text: bytes) -> None:
        self.text = text
        self.bytes = (
            np.frombuffer(text, dtype=np.uint8) if len(text) >= self.SMALL else None
        )

    def holds(self, pattern: bytes) -> bool:
        """``pattern in text``."""
        if self.bytes is None:
            return pattern in self.text
        rare = (i for i, byte in enumerate(pattern) if byte in self.RARE)
        pivot = next(rare, None)
        if pivot is None:
            return pattern in self.text
        found, after = self.bytes, len(pattern) - pivot - 1
        end = max(pivot, len(found) - after)
        where = np.flatnonzero(found[pivot:end] == pattern[pivot])
        where += pivot
        for offset, expected in enumerate(pattern):
            if offset != pivot:
                where = where[found[where + offset - pivot] == expected]
        return len(where) > 0

    def spelled_otherwise(self) -> bool:
        return any(map(self.holds, PYTHON_SPELLS_OTHERWISE))

    def line_separators(self) -> bool:
        return self.holds(b"\xe2\x80")


def fast_renderers() -> list[type]:
    """The API's renderer classes, with this one for DRF's JSONRenderer."""
    return [
        FastJSONRenderer if renderer is JSONRenderer else renderer
        for renderer in api_settings.DEFAULT_RENDERER_CLASSES
    ]
