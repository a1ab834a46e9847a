"""A seeded generator of drug200-style data that follows the real file's structure.

The real dataset is not redistributed; this makes one with the same schema,
category frequencies and decision structure (see data/README.md).
"""

from __future__ import annotations

import csv
import io
import random

from ml import features as vocab

#: Category frequencies of the real file (counts out of 200).
WEIGHTS = {
    "Sex": {"F": 96, "M": 104},
    "BP": {"HIGH": 77, "LOW": 64, "NORMAL": 59},
    "Cholesterol": {"HIGH": 103, "NORMAL": 97},
}
AGE_RANGE = (15, 74)
#: Na_to_K of DrugY patients and of everyone else, as in the real file.
NA_TO_K_HIGH = (15.015, 38.247)
NA_TO_K_LOW = (6.269, 14.642)
DRUG_Y_SHARE = 91 / 200


def label_for(age: int, bp: str, cholesterol: str, na_to_k: float) -> str:
    """The real file's decision structure (DATA.md); Sex carries no signal."""
    if na_to_k > 14.83:
        return "DrugY"
    if bp == "HIGH":
        return "drugA" if age <= 50 else "drugB"
    if bp == "LOW" and cholesterol == "HIGH":
        return "drugC"
    return "drugX"


def generate_rows(rows: int, seed: int) -> list[tuple]:
    """Draw `rows` patients with labels, reproducibly for a given seed."""
    rng = random.Random(seed)

    def pick(name: str) -> str:
        values, weights = zip(*WEIGHTS[name].items(), strict=True)
        return rng.choices(values, weights)[0]

    out = []
    for _ in range(rows):
        age = rng.randint(*AGE_RANGE)
        sex, bp, chol = pick("Sex"), pick("BP"), pick("Cholesterol")
        low, high = NA_TO_K_HIGH if rng.random() < DRUG_Y_SHARE else NA_TO_K_LOW
        # Skewed towards the low end of each band, as the real ratios are.
        na_to_k = round(low + (high - low) * rng.random() ** 1.6, 3)
        out.append((age, sex, bp, chol, na_to_k, label_for(age, bp, chol, na_to_k)))
    return out


def generate_csv(rows: int = 1000, seed: int = 200) -> str:
    """The generated dataset as CSV text with the real file's header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow((*vocab.FEATURES, vocab.TARGET))
    for age, sex, bp, chol, na_to_k, drug in generate_rows(rows, seed):
        writer.writerow((age, sex, bp, chol, f"{na_to_k:.3f}", drug))
    return buffer.getvalue()
