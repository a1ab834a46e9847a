"""Live quality from recorded outcomes: how often each version, in each arm, gave
the drug that was then prescribed.

Per version and arm: accuracy with its count and a 95 % Wilson interval, recall
per prescribed drug, and the confusion matrix. A shadow is judged on the outcome
recorded for the served answer of the same request; ``shadow_comparison`` pairs
the two answers. Counts come grouped from the database (quality_queries), the
arithmetic is quality_stats'. Windows are half-open, [since, until), on the time
the answer was given (a shadow's pairs: the shadow row's time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from predictions.quality_queries import (
    served_cells,
    shadow_cells,
    shadow_pairs,
    version_classes,
)
from predictions.quality_stats import (
    ARMS,
    ArmQuality,
    ClassRecall,
    Interval,
    arm_quality,
    share,
    wilson,
)

__all__ = [
    "ArmQuality",
    "ClassRecall",
    "Interval",
    "ShadowComparison",
    "quality_report",
    "shadow_comparison",
]


def quality_report(
    *, since: datetime | None = None, until: datetime | None = None
) -> list[ArmQuality]:
    """One ArmQuality per version and arm with at least one outcome in the window,
    ordered by version, then arm (active, candidate, shadow). Rows logged before
    arms were recorded count as the active arm."""
    cells = served_cells(since, until) + shadow_cells(since, until)
    groups: dict[tuple[str, str], list] = {}
    for cell in cells:
        groups.setdefault((cell.version, cell.arm), []).append(cell)
    classes = version_classes({version for version, _ in groups})
    return [
        arm_quality(version, arm, groups[version, arm], classes.get(version, []))
        for version, arm in sorted(groups, key=lambda k: (k[0], ARMS.index(k[1])))
    ]


@dataclass(frozen=True)
class ShadowComparison:
    """A shadow version against the served answers of the same requests.

    ``pairs``: shadow answers paired with a served one; ``disagreements``: pairs
    with different drugs. Of the ``with_outcome`` pairs whose served answer has
    an outcome: ``both_right``, ``served_only_right``, ``shadow_only_right`` and
    ``neither_right``; the accuracies and their Wilson intervals are over those.
    """

    shadow_version: str
    served_version: str
    served_arm: str
    pairs: int
    disagreements: int
    disagreement_rate: float | None
    with_outcome: int
    both_right: int
    served_only_right: int
    shadow_only_right: int
    neither_right: int
    served_accuracy: float | None
    served_interval: Interval | None
    shadow_accuracy: float | None
    shadow_interval: Interval | None


def comparison(row: tuple) -> ShadowComparison:
    shadow, served, arm = row[:3]
    pairs, differ, known, both, served_only, shadow_only = map(int, row[3:])
    served_right, shadow_right = both + served_only, both + shadow_only
    return ShadowComparison(
        shadow_version=shadow,
        served_version=served,
        served_arm=arm,
        pairs=pairs,
        disagreements=differ,
        disagreement_rate=share(differ, pairs),
        with_outcome=known,
        both_right=both,
        served_only_right=served_only,
        shadow_only_right=shadow_only,
        neither_right=known - both - served_only - shadow_only,
        served_accuracy=share(served_right, known),
        served_interval=wilson(served_right, known),
        shadow_accuracy=share(shadow_right, known),
        shadow_interval=wilson(shadow_right, known),
    )


def shadow_comparison(
    *, since: datetime | None = None, until: datetime | None = None
) -> list[ShadowComparison]:
    """One ShadowComparison per shadow version, served version and served arm
    with shadow answers in the window, ordered by those three."""
    found = [comparison(row) for row in shadow_pairs(since, until)]
    return sorted(
        found,
        key=lambda c: (c.shadow_version, c.served_version, ARMS.index(c.served_arm)),
    )
