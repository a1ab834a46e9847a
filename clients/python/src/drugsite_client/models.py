"""What goes in (a Patient) and what comes back (a Prediction)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
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
class Prediction:
    """One answered, logged prediction."""

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

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Prediction:
        """Build from the API's JSON object."""
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
        )
