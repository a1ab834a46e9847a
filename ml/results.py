"""What the model says about one patient: the answer's shape, shared by the
predictor, the web layer and the tests."""

from __future__ import annotations

from typing import NamedTuple


class Boundary(NamedTuple):
    """The numeric threshold on the decision path closest to the input."""

    feature: str
    threshold: float
    value: float
    distance: float
    near: bool


class PredictionResult(NamedTuple):
    """What the model says about one patient, with why and how sure.

    ``drug`` is the fitted tree's answer; ``probabilities`` are the vote of trees
    whose thresholds move with the data; ``prediction_set`` holds the drugs not
    ruled out at ``coverage``; ``counterfactual`` the nearest change of each
    number that gives another drug (None where none within range does).
    """

    drug: str
    probabilities: dict[str, float]
    model_version: str
    explanation: tuple[str, ...]
    boundary: Boundary | None
    warnings: tuple[str, ...]
    prediction_set: tuple[str, ...] = ()
    coverage: float | None = None
    counterfactual: tuple[dict | None, ...] = ()

    @property
    def near_boundary(self) -> bool:
        return self.boundary is not None and self.boundary.near

    @property
    def probability(self) -> float:
        return self.probabilities[self.drug]
