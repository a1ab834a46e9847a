"""The model's vocabulary: columns, fields, category values, labels and ranges.

Each feature is written once, in ``SPECS``; everything else (validation, the form,
the API serializer and schema, the log's columns, the admin, the manifest) derives
from it. Adding a feature means adding a spec here and a migration for its column.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field, make_dataclass
from operator import attrgetter


@dataclass(frozen=True)
class Feature:
    """One input of the model, as the dataset, the API and the log name it."""

    name: str  # the CSV column and the legacy query parameter
    field: str  # the JSON and form field, the log's column, the record attribute
    description: str
    kind: str  # "integer", "number" or "category"
    allowed: tuple[str, ...] = ()  # categories, canonical (upper-case) spelling
    range: tuple[float, float] = (0.0, 0.0)  # accepted input, inclusive
    tolerance: float = 0.0  # how near a threshold counts as "near a boundary"
    column: dict = field(default_factory=dict)  # options of the log's column


SPECS: tuple[Feature, ...] = (
    Feature("Age", "age", "Patient age in whole years.", "integer",
            range=(0, 120), tolerance=2.0),
    Feature("Sex", "sex", "Patient sex.", "category", allowed=("F", "M")),
    Feature("BP", "bp", "Blood pressure level.", "category",
            allowed=("HIGH", "LOW", "NORMAL")),
    Feature("Cholesterol", "cholesterol", "Cholesterol level.", "category",
            allowed=("HIGH", "NORMAL")),
    Feature("Na_to_K", "na_to_k", "Blood sodium-to-potassium ratio.", "number",
            range=(1.0, 100.0), tolerance=0.5),
)  # fmt: skip
TARGET = "Drug"
#: The five drugs, spelled as in the public drug200 file.
LABELS: tuple[str, ...] = ("DrugY", "drugA", "drugB", "drugC", "drugX")

SPEC: dict[str, Feature] = {spec.name: spec for spec in SPECS}
#: Feature columns in the order the model sees them (as in drug200.csv).
FEATURES: tuple[str, ...] = tuple(SPEC)
FIELDS: tuple[str, ...] = tuple(spec.field for spec in SPECS)
FIELD_NAMES: dict[str, str] = {spec.name: spec.field for spec in SPECS}
FEATURE_OF_FIELD: dict[str, str] = {spec.field: spec.name for spec in SPECS}
DESCRIPTIONS: dict[str, str] = {spec.name: spec.description for spec in SPECS}
CATEGORIES: dict[str, tuple[str, ...]] = {
    spec.name: spec.allowed for spec in SPECS if spec.kind == "category"
}
CATEGORICAL: tuple[str, ...] = tuple(CATEGORIES)
NUMERIC: tuple[str, ...] = tuple(n for n in FEATURES if n not in CATEGORIES)
#: Accepted input range of each numeric feature (inclusive). Values inside this
#: range but outside the training data's range are answered with a warning.
RANGES: dict[str, tuple[float, float]] = {n: SPEC[n].range for n in NUMERIC}
INTEGER: frozenset[str] = frozenset(n for n in NUMERIC if SPEC[n].kind == "integer")
BOUNDARY_TOLERANCE: dict[str, float] = {n: SPEC[n].tolerance for n in NUMERIC}

_row = attrgetter(*FIELDS)
_types = {"integer": int, "number": float, "category": str}
PatientRecord = make_dataclass(
    "PatientRecord",
    [(spec.field, _types[spec.kind]) for spec in SPECS],
    frozen=True,
    slots=True,
    namespace={
        "__module__": __name__,
        "__doc__": "One validated patient: categories canonical, numbers in range.",
        "as_row": lambda self: _row(self),
        "as_dict": lambda self: dict(zip(FEATURES, _row(self), strict=True)),
        "as_fields": lambda self: dict(zip(FIELDS, _row(self), strict=True)),
    },
)


def allowed_text(name: str) -> str:
    """Human description of what a feature accepts, for error messages."""
    if name in CATEGORIES:
        return "one of " + ", ".join(CATEGORIES[name])
    low, high = RANGES[name]
    kind = "a whole number" if name in INTEGER else "a number"
    return f"{kind} from {low:g} to {high:g}"


def help_text(name: str) -> str:
    """What a feature is and what it accepts, for forms and API documentation."""
    return f"{DESCRIPTIONS[name]} Accepts {allowed_text(name)}."


def describe(name: str, observed: list | None = None) -> dict:
    """A feature as validation sees it, with the training data's observed range.

    The one description the manifest, ``/api/v1/model/`` and the schema share.
    """
    spec = SPEC[name]
    entry = {"name": name, "field": spec.field, "description": spec.description}
    if spec.kind == "category":
        return entry | {"kind": spec.kind, "allowed": list(spec.allowed)}
    return entry | {
        "kind": spec.kind,
        "allowed_range": list(spec.range),
        "observed_range": observed,
    }


def random_record(rng: random.Random, ranges: dict | None = None) -> PatientRecord:
    """A record drawn uniformly from what validation accepts (or narrower ranges)."""
    values = []
    for spec in SPECS:
        low, high = (ranges or {}).get(spec.name, spec.range)
        if spec.kind == "category":
            values.append(rng.choice(spec.allowed))
        elif spec.kind == "integer":
            values.append(rng.randint(int(low), int(high)))
        else:
            values.append(round(rng.uniform(low, high), 3))
    return PatientRecord(*values)
