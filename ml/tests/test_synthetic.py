"""ml.synthetic and data/drug200.csv: the bundled data is what the generator makes."""

import csv
import re

import pytest
from django.conf import settings

from ml import features as vocab
from ml.dataset import load_dataset
from ml.synthetic import generate_csv


@pytest.fixture(scope="module")
def committed() -> list[dict]:
    with open(settings.ML_DEFAULT_DATASET, newline="") as handle:
        return list(csv.DictReader(handle))


def data_md_label(age: int, bp: str, cholesterol: str, na_to_k: float) -> str:
    """The decision structure as DATA.md writes it (independent of ml.synthetic)."""
    if na_to_k > 14.83:
        return "DrugY"
    if bp == "HIGH":
        return "drugA" if age <= 50 else "drugB"
    if bp == "LOW":
        return "drugC" if cholesterol == "HIGH" else "drugX"
    return "drugX"


def test_committed_dataset_is_byte_for_byte_the_generated_one():
    assert settings.ML_DEFAULT_DATASET.read_bytes() == generate_csv().encode()


def test_committed_dataset_passes_the_loader():
    dataset = load_dataset(settings.ML_DEFAULT_DATASET)
    assert dataset.rows == 1000
    assert set(dataset.labels) == set(vocab.LABELS)


def test_committed_dataset_has_the_real_header():
    first = settings.ML_DEFAULT_DATASET.read_text().splitlines()[0]
    assert first == "Age,Sex,BP,Cholesterol,Na_to_K,Drug"


def test_committed_dataset_spans_the_real_age_range(committed):
    ages = [int(row["Age"]) for row in committed]
    assert (min(ages), max(ages)) == (15, 74)


def test_committed_dataset_writes_na_to_k_with_three_decimals(committed):
    assert all(re.fullmatch(r"\d{1,2}\.\d{3}", row["Na_to_K"]) for row in committed)


def test_committed_dataset_uses_the_real_category_spellings(committed):
    for name, allowed in vocab.CATEGORIES.items():
        assert {row[name] for row in committed} == set(allowed)


def test_committed_dataset_follows_the_structure_of_data_md(committed):
    wrong = [
        row
        for row in committed
        if row["Drug"]
        != data_md_label(
            int(row["Age"]), row["BP"], row["Cholesterol"], float(row["Na_to_K"])
        )
    ]
    assert wrong == []


def test_committed_dataset_keeps_the_real_na_to_k_gap(committed):
    drug_y = [float(r["Na_to_K"]) for r in committed if r["Drug"] == "DrugY"]
    others = [float(r["Na_to_K"]) for r in committed if r["Drug"] != "DrugY"]
    assert min(drug_y) >= 15.015
    assert max(others) <= 14.642


def test_committed_dataset_gives_sex_no_signal(committed):
    for label in vocab.LABELS:
        assert {r["Sex"] for r in committed if r["Drug"] == label} == {"F", "M"}


def test_generate_csv_is_reproducible_for_a_seed():
    assert generate_csv(rows=50, seed=7) == generate_csv(rows=50, seed=7)
    assert generate_csv(rows=50, seed=7) != generate_csv(rows=50, seed=8)


def test_generate_csv_writes_the_rows_asked_for():
    lines = generate_csv(rows=37, seed=1).splitlines()
    assert len(lines) == 38
    assert lines[0] == ",".join((*vocab.FEATURES, vocab.TARGET))
