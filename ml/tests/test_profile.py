"""The training profile: decile bins with their shares, category shares, ranges,
and its place in the manifest."""

import json

import pytest
from django.conf import settings

from ml import features as vocab
from ml.dataset import load_dataset
from ml.profile import bin_of, category_profile, data_profile, number_profile


@pytest.mark.parametrize(
    ("value", "expected"), [(0.5, 0), (1.0, 1), (1.5, 1), (2.0, 2), (3.0, 2)]
)
def test_a_bin_holds_values_from_its_lower_edge_up_to_its_upper_edge(value, expected):
    assert bin_of([1.0, 2.0], value) == expected


def test_ten_distinct_values_fill_ten_deciles_one_each():
    profile = number_profile(list(range(1, 11)))
    # The inclusive deciles of 1..10 lie at 1 + 0.9 k.
    assert profile["edges"] == [1.9, 2.8, 3.7, 4.6, 5.5, 6.4, 7.3, 8.2, 9.1]
    assert profile["shares"] == pytest.approx([0.1] * 10)
    assert profile["observed_range"] == [1, 10]


def test_repeated_values_give_fewer_bins_and_empty_ones_keep_a_zero_share():
    # Deciles of eight 1s and two 2s: 1 (seven times), 1.2, 2; distinct: 1, 1.2, 2.
    profile = number_profile([1] * 8 + [2, 2])
    assert profile["edges"] == [1.0, 1.2, 2.0]
    assert profile["shares"] == [0.0, 0.8, 0.0, 0.2]


def test_a_constant_column_is_one_open_bin():
    assert number_profile([5, 5, 5]) == {
        "edges": [],
        "shares": [1.0],
        "observed_range": [5, 5],
    }


def test_category_shares_list_every_allowed_value_even_unseen_ones():
    profile = category_profile(
        ["HIGH", "HIGH", "LOW", "HIGH"], ("HIGH", "LOW", "NORMAL")
    )
    assert profile == {
        "shares": {"HIGH": 0.75, "LOW": 0.25, "NORMAL": 0.0},
        "observed": ["HIGH", "LOW"],
    }


def test_the_bundled_data_profile_describes_every_feature():
    dataset = load_dataset(settings.ML_DEFAULT_DATASET)
    profile = data_profile(dataset.records)
    assert profile["rows"] == dataset.rows
    assert list(profile["features"]) == list(vocab.FEATURES)
    age = profile["features"]["Age"]
    assert age["kind"] == "integer"
    ages = [r.age for r in dataset.records]
    assert age["observed_range"] == [min(ages), max(ages)]
    assert len(age["shares"]) == len(age["edges"]) + 1
    assert sum(age["shares"]) == pytest.approx(1.0)
    females = sum(r.sex == "F" for r in dataset.records)
    assert profile["features"]["Sex"]["shares"]["F"] == females / dataset.rows


def test_the_manifest_records_the_training_data_profile(trained_store):
    version = (trained_store / "VERSION").read_text()
    manifest = json.loads((trained_store / version / "manifest.json").read_text())
    dataset = load_dataset(settings.ML_DEFAULT_DATASET)
    assert manifest["profile"] == json.loads(json.dumps(data_profile(dataset.records)))
