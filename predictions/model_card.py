"""The figures of a model card, read from a version's registered manifest.

Every function takes the manifest's ``metrics`` (or the manifest) and returns
rows the template lays out as they come; anything an older artifact did not
record comes back empty, and the card says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePath

RIGHT, WRONG = (31, 111, 235), (180, 35, 24)  # the site's accent and error colours


@dataclass(frozen=True)
class Cell:
    """One cell of the confusion matrix's heat map."""

    count: int
    share: float  # of the row: the true drug's patients
    style: str
    title: str


def supports(metrics: dict) -> dict[str, int]:
    """Patients per drug: the confusion matrix's row sums (every training row)."""
    matrix = metrics.get("confusion_matrix", {})
    if not matrix:
        return {}
    return {
        label: sum(row)
        for label, row in zip(matrix["labels"], matrix["matrix"], strict=True)
    }


def class_balance(manifest: dict) -> list[tuple[str, int, float]]:
    """(drug, rows, share) of the training data, from the manifest if it says."""
    counts = manifest.get("data", {}).get("classes") or supports(
        manifest.get("metrics", {})
    )
    total = sum(counts.values()) or 1
    return [(drug, n, n / total) for drug, n in counts.items()]


def data_facts(manifest: dict) -> dict:
    """Rows, file name (not the server's path) and sha256 of the training data."""
    data = manifest.get("data", {})
    name = PurePath(data["path"]).name if data.get("path") else ""
    return {"rows": data.get("rows"), "file": name, "sha256": data.get("sha256", "")}


def ranges(manifest: dict) -> list[tuple[str, str, str]]:
    """(feature, seen in training, accepted) per feature."""
    found = []
    for spec in manifest.get("features", []):
        if "allowed" in spec:
            values = ", ".join(spec["allowed"])
            found.append((spec["name"], values, values))
            continue
        seen, allowed = spec.get("observed_range"), spec.get("allowed_range")
        found.append(
            (
                spec["name"],
                f"{seen[0]:g} to {seen[1]:g}" if seen else "not recorded",
                f"{allowed[0]:g} to {allowed[1]:g}" if allowed else "not recorded",
            )
        )
    return found


def heat_cell(count: int, total: int, diagonal: bool) -> Cell:
    """A count coloured by its share of the row: blue when right, red when wrong."""
    share = count / total if total else 0.0
    red, green, blue = RIGHT if diagonal else WRONG
    ink = "#fff" if share > 0.5 else "inherit"
    alpha = round(0.08 + 0.92 * share, 3) if count else 0
    style = f"background-color: rgba({red}, {green}, {blue}, {alpha}); color: {ink}"
    return Cell(count, share, style, f"{count} of {total} ({share:.1%})")


def confusion_heat(metrics: dict) -> dict:
    """The out-of-fold confusion matrix as labelled rows of heat-map cells."""
    matrix = metrics.get("confusion_matrix", {})
    labels, rows = matrix.get("labels", []), []
    for i, (label, counts) in enumerate(
        zip(labels, matrix.get("matrix", []), strict=True)
    ):
        total = sum(counts)
        cells = [heat_cell(n, total, i == j) for j, n in enumerate(counts)]
        rows.append((label, cells, total))
    return {"labels": labels, "rows": rows}


def cross_validation(metrics: dict) -> dict:
    """Scheme, mean ± std and fold scores, and per drug precision, recall, F1."""
    cv = metrics.get("cv", {})
    per_class = [
        (drug, v["precision"], v["recall"], v["f1-score"], int(v["support"]))
        for drug, v in metrics.get("per_class", {}).items()
    ]
    return {**cv, "per_class": per_class}


def calibration(metrics: dict) -> list[tuple[str, float, float]]:
    """(model, Brier, ECE) held out: the vote's probabilities and the plain tree's."""
    figures = metrics.get("calibration", {})
    names = {"vote": "vote of the bootstrap trees (served)", "tree": "plain tree (0/1)"}
    return [
        (label, figures[key]["brier"], figures[key]["ece"])
        for key, label in names.items()
        if key in figures
    ]


def coverage(metrics: dict) -> dict:
    """Stated against measured coverage, folds, and the share of each set size."""
    figures = metrics.get("conformal", {})
    if not figures:
        return {}
    sizes = sorted(figures.get("set_sizes", {}).items(), key=lambda kv: int(kv[0]))
    folds = figures.get("folds") or [figures.get("measured")]
    return {
        **figures,
        "sizes": [(int(size), share, f"{share:.1%}") for size, share in sizes],
        "empty": dict(sizes).get("0", 0.0),
        "fold_range": (min(folds), max(folds)),
    }
