"""What goes in (a Patient) and what comes back (a Prediction, an Outcome)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

FIELDS = ("age", "sex", "bp", "cholesterol", "na_to_k")
#: The legacy endpoint's query parameters: the dataset's column names.
LEGACY_PARAMETERS = dict(
    zip(FIELDS, ("Age", "Sex", "BP", "Cholesterol", "Na_to_K"), strict=True)
)


@dataclass(frozen=True)
class Patient:
    """One patient as the API takes it. Categories are case-insensitive."""

    age: int
    sex: str
    bp: str
    cholesterol: str
    na_to_k: float

    def as_json(self) -> dict[str, Any]:
        """The request body for this patient."""
        return asdict(self)


PatientLike = Patient | Mapping[str, Any]


def patient_json(patient: PatientLike) -> dict[str, Any]:
    """A request body from a Patient or a mapping with the API's field names."""
    if isinstance(patient, Patient):
        return patient.as_json()
    return dict(patient)


@dataclass(frozen=True)
class Flip:
    """The nearest change of one number that gives another drug, the rest kept."""

    feature: str  # "Age" or "Na_to_K"
    direction: str  # "above" or "below" the patient's value
    value: float  # the nearest value that flips the answer
    drug: str  # the drug it gives
    text: str  # "Na_to_K ≥ 14.82 → DrugY"

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Flip | None:
        """Build from one item of the API's ``counterfactual`` list (None: no flip)."""
        if data is None:
            return None
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Outcome:
    """The drug actually prescribed after a prediction, recorded once by staff."""

    prediction: int  # the prediction's id
    drug: str
    recorded_at: str  # ISO 8601, UTC
    user: str  # who recorded it (the username then)
    source: str  # "form", "admin" or "api"

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Outcome:
        """Build from the API's outcome object."""
        return cls(**{name: data[name] for name in cls.__dataclass_fields__})


@dataclass(frozen=True)
class Prediction:
    """One answered, logged prediction.

    ``prediction_set``: the drugs not ruled out at ``coverage`` (e.g. 0.95); it may
    be empty by design for about 1 - coverage of answers, which says nothing about
    the patient. None for answers logged before sets were. ``counterfactual``: per
    numeric feature (Age, Na_to_K), its nearest flip, or None if none in range.
    ``recorded_outcome``: the drug prescribed, once recorded (``record_outcome``).
    """

    id: int
    request_id: str
    drug: str
    probability: float
    probabilities: dict[str, float]
    explanation: list[str]
    warnings: list[str]
    near_boundary: bool
    boundary: dict[str, Any] | None
    model_version: str
    created_at: str
    channel: str
    user: str | None
    input: Patient
    prediction_set: list[str] | None = None
    coverage: float | None = None
    counterfactual: list[Flip | None] = field(default_factory=list)
    recorded_outcome: Outcome | None = None

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Prediction:
        """Build from the API's JSON object (older servers: no set, no flips)."""
        flips = data.get("counterfactual") or ()
        return cls(
            id=data["id"],
            request_id=data["request_id"],
            drug=data["drug"],
            probability=data["probability"],
            probabilities=dict(data["probabilities"]),
            explanation=list(data["explanation"]),
            warnings=list(data["warnings"]),
            near_boundary=data["near_boundary"],
            boundary=data.get("boundary"),
            model_version=data["model_version"],
            created_at=data["created_at"],
            channel=data["channel"],
            user=data.get("user"),
            input=Patient(**{name: data["input"][name] for name in FIELDS}),
            prediction_set=optional_list(data.get("prediction_set")),
            coverage=data.get("coverage"),
            counterfactual=[Flip.from_json(f) for f in flips],
            recorded_outcome=optional_outcome(data.get("recorded_outcome")),
        )


def optional_list(value: list[str] | None) -> list[str] | None:
    """A JSON list as a list; None stays None (not recorded)."""
    return None if value is None else list(value)


def optional_outcome(value: Mapping[str, Any] | None) -> Outcome | None:
    """An outcome object as an Outcome; None (none recorded, or an older server)
    stays None."""
    return None if value is None else Outcome.from_json(value)
