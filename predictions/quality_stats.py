"""The arithmetic of live quality: Wilson intervals, recall, confusion matrices,
from counts the database grouped (predictions.quality_queries)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from predictions.models import Arm

Z95 = 1.959963984540054  # the standard normal's 97.5th percentile
ARMS = [arm.value for arm in Arm]


@dataclass(frozen=True)
class Interval:
    """A 95 % confidence interval of a proportion, within [0, 1]."""

    low: float
    high: float


def wilson(correct: int, total: int, z: float = Z95) -> Interval | None:
    """The Wilson score interval of a proportion (None without any trial)."""
    if total == 0:
        return None
    p = correct / total
    denominator = 1 + z * z / total
    centre = (p + z * z / (2 * total)) / denominator
    half = z * math.sqrt(p * (1 - p) / total + z * z / (4 * total * total))
    low, high = centre - half / denominator, centre + half / denominator
    return Interval(max(0.0, low), min(1.0, high))  # rounding at 0 % or 100 %


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


@dataclass(frozen=True)
class ClassRecall:
    """Of the outcomes where `drug` was prescribed, how many the model suggested."""

    drug: str
    correct: int
    total: int
    recall: float | None


@dataclass(frozen=True)
class ArmQuality:
    """One version in one arm (active, candidate, shadow), judged on outcomes.

    ``confusion[prescribed][predicted]`` counts outcomes, over ``classes`` (the
    version's classes, then any other drug seen); ``recall`` follows ``classes``.
    """

    version: str
    arm: str
    count: int
    correct: int
    accuracy: float | None
    interval: Interval | None
    recall: list[ClassRecall]
    classes: list[str]
    confusion: dict[str, dict[str, int]]


def arm_quality(version: str, arm: str, cells: list, classes: list[str]) -> ArmQuality:
    """The figures of one version and arm from its grouped cells."""
    seen = {c.predicted for c in cells} | {c.prescribed for c in cells}
    classes = list(classes) + sorted(seen - set(classes))
    confusion = {row: dict.fromkeys(classes, 0) for row in classes}
    for cell in cells:
        confusion[cell.prescribed][cell.predicted] += cell.count
    count = sum(cell.count for cell in cells)
    correct = sum(confusion[drug][drug] for drug in classes)
    recall = []
    for drug in classes:
        total = sum(confusion[drug].values())
        hits = confusion[drug][drug]
        recall.append(ClassRecall(drug, hits, total, share(hits, total)))
    return ArmQuality(
        version=version,
        arm=arm,
        count=count,
        correct=correct,
        accuracy=share(correct, count),
        interval=wilson(correct, count),
        recall=recall,
        classes=classes,
        confusion=confusion,
    )
