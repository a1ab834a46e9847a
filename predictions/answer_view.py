"""What the form's answer card shows about one logged answer, read from its row.

How sure (the drug's probability), which drugs remain possible at the stated
coverage (the prediction set, worded as docs/confidence.md asks, an empty set
included), what would flip it and how far that is from this patient, and the
tree with this patient's path: everything an auditor reads in the same row.
"""

from __future__ import annotations

from contextlib import suppress
from dataclasses import dataclass

from django.utils.safestring import SafeString

from ml import ModelUnavailable
from ml import features as vocab
from predictions.drawings import drawn_tree
from predictions.model_pages import model_card_url
from predictions.models import Prediction

EMPTY_SET = (
    "no set is claimed for this answer. About {miss} of answers get none by design, "
    "so that the stated coverage holds; it says nothing about this patient, and the "
    "suggested drug and its probability stand."
)


@dataclass(frozen=True)
class Flip:
    """The nearest change of one number that gives another drug, for reading."""

    feature: str
    text: str  # "Na_to_K ≥ 14.82 → DrugY"
    distance: str  # "0.08 above this patient's 14.74", or where none was found
    flips: bool = True  # False: no value of this feature alone changes the drug


@dataclass(frozen=True)
class Answer:
    """The answer card's reading of a row (the template only lays it out)."""

    probability: float | None  # of the suggested drug
    probability_text: str
    set_text: str
    set_size: int | None  # None: no set recorded (an older model)
    flips: tuple[Flip, ...]
    tree: SafeString | None
    model_card: str


def percent(share: float) -> str:
    """0.95 as "95 %", 0.975 as "97.5 %"."""
    return f"{round(share * 100, 1):g} %"


def set_sentence(drugs: list[str], coverage: float | None) -> str:
    """The prediction set in words: one drug, several, none, or not recorded."""
    if coverage is None:
        return "No prediction set: this model version does not state a coverage."
    head = f"At {percent(coverage)} coverage"
    if not drugs:
        return f"{head}, {EMPTY_SET.format(miss=percent(1 - coverage))}"
    if len(drugs) == 1:
        return f"{head}: {drugs[0]}"
    listed = ", ".join(drugs[:-1]) + f" or {drugs[-1]}"
    return f"{head}, cannot be told apart: {listed}"


def number(value: float) -> str:
    """A value as typed: no trailing zeros, no float noise."""
    return f"{round(value, 6):g}"


def flips_of(row: Prediction) -> tuple[Flip, ...]:
    """Each numeric feature's nearest flip, with its distance from this patient."""
    flips = []
    for name, flip in zip(vocab.NUMERIC, row.counterfactual or (), strict=False):
        value = getattr(row, vocab.FIELD_NAMES[name])
        if flip is None:
            low, high = vocab.RANGES[name]
            text = f"No change of {name} alone gives another drug"
            flips.append(Flip(name, text, f"searched {low:g} to {high:g}", False))
            continue
        gap = abs(flip["value"] - value)
        unit = "" if name not in vocab.INTEGER else " year" if gap == 1 else " years"
        away = f"{number(gap)}{unit} {flip['direction']} this patient's {number(value)}"
        flips.append(Flip(name, flip["text"], away))
    return tuple(sorted(flips, key=lambda flip: not flip.flips))  # real ones first


def answer_read(row: Prediction) -> Answer:
    """The answer card's content for an answered row."""
    version, tree = row.model_version, None
    if version is not None:
        values = {name: getattr(row, name) for name in vocab.FIELDS}
        with suppress(ModelUnavailable):  # the artifact is gone or damaged
            tree = drawn_tree(version, values)
    coverage, drugs = row.coverage, list(row.prediction_set or ())
    probability = row.probabilities.get(row.drug)
    return Answer(
        probability=probability,
        probability_text="" if probability is None else percent(probability),
        set_text=set_sentence(drugs, coverage),
        set_size=None if coverage is None else len(drugs),
        flips=flips_of(row),
        tree=tree,
        model_card=model_card_url(version.version) if version else "",
    )
