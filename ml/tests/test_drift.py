"""PSI, out-of-range shares and verdicts, checked against hand-computed values."""

import math

import pytest

from ml.drift import (
    EPSILON,
    accepted_range,
    category_drift,
    number_drift,
    psi,
    verdict,
)


def test_psi_of_a_shift_from_half_and_half_to_30_70():
    # (0.3 - 0.5) ln(0.3 / 0.5) + (0.7 - 0.5) ln(0.7 / 0.5)
    # = 0.2 * 0.5108256 + 0.2 * 0.3364722 = 0.1694596
    assert psi([0.5, 0.5], [30, 70]) == pytest.approx(0.1694596, abs=1e-7)


def test_psi_of_the_training_distribution_itself_is_zero():
    assert psi([0.1, 0.2, 0.7], [10, 20, 70]) == 0.0


def test_empty_bins_count_as_a_share_of_epsilon_on_either_side():
    # Served: 0.5, 0 (-> 0.0001), 0.5; training: 0.5, 0.5, 0 (-> 0.0001).
    # 0 + (0.0001 - 0.5) ln(0.0001 / 0.5) + (0.5 - 0.0001) ln(0.5 / 0.0001)
    # = 2 * 0.4999 * ln(5000) = 0.9998 * 8.5171932 = 8.5154898
    assert EPSILON == 0.0001
    assert psi([0.5, 0.5, 0.0], [1, 0, 1]) == pytest.approx(8.5154898, abs=1e-6)


def test_a_bin_empty_on_both_sides_adds_nothing():
    assert psi([0.5, 0.0, 0.5], [30, 0, 70]) == pytest.approx(0.1694596, abs=1e-7)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0.0, "stable"),
        (0.0999, "stable"),
        (0.1, "moderate shift"),
        (0.2499, "moderate shift"),
        (0.25, "major shift"),
        (3.0, "major shift"),
        (None, "no data"),
    ],
)
def test_verdicts_use_the_usual_thresholds(value, expected):
    assert verdict(value) == expected


def test_a_number_reports_its_count_psi_and_share_out_of_range():
    entry = {"edges": [10.0], "shares": [0.5, 0.5], "observed_range": [5.0, 20.0]}
    found = number_drift("Na_to_K", entry, [30, 70], out_of_range=25)
    assert found.name == "Na_to_K"
    assert found.count == 100
    assert found.psi == pytest.approx(0.1694596, abs=1e-7)
    assert found.out_of_range_share == 0.25
    assert found.verdict == "moderate shift"


def test_a_number_without_served_inputs_has_no_figures():
    entry = {"edges": [10.0], "shares": [0.5, 0.5], "observed_range": [5.0, 20.0]}
    found = number_drift("Na_to_K", entry, [0, 0], out_of_range=0)
    assert (found.count, found.psi, found.out_of_range_share, found.verdict) == (
        0,
        None,
        None,
        "no data",
    )


def test_a_category_never_seen_in_training_is_out_of_range_and_drifts():
    entry = {"shares": {"HIGH": 0.5, "LOW": 0.5, "NORMAL": 0.0}}
    found = category_drift("BP", entry, {"HIGH": 2, "LOW": 1, "NORMAL": 1})
    # HIGH: 0; LOW: (0.25 - 0.5) ln(0.5) = 0.1732868;
    # NORMAL: (0.25 - 0.0001) ln(0.25 / 0.0001) = 0.2499 ln(2500) = 1.9552290
    assert found.psi == pytest.approx(0.25 * math.log(2) + 0.2499 * math.log(2500))
    assert found.psi == pytest.approx(2.1285158, abs=1e-6)
    assert found.out_of_range_share == 0.25
    assert found.verdict == "major shift"


def test_a_category_the_profile_does_not_list_is_a_bin_of_its_own():
    entry = {"shares": {"F": 0.5, "M": 0.5}}
    found = category_drift("Sex", entry, {"F": 5, "M": 5, "(other)": 0})
    assert found.psi == 0.0
    assert found.out_of_range_share == 0.0
    other = category_drift("Sex", entry, {"F": 4, "M": 5, "(other)": 1})
    assert other.out_of_range_share == 0.1


def test_in_range_means_inside_the_training_range_and_the_accepted_one():
    assert accepted_range("Age", {"observed_range": [15, 74]}) == (15, 74)
    assert accepted_range("Age", {"observed_range": [-5, 130]}) == (0, 120)
