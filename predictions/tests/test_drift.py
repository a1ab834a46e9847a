"""drift_report: served inputs counted by the database in the training bins,
against the version's training profile."""

import random
from collections import Counter
from datetime import timedelta

import pytest
from django.utils import timezone

from ml import features as vocab
from ml.exceptions import ModelUnavailable
from ml.models import ModelVersion
from ml.profile import bin_of
from predictions.drift import NO_PROFILE, counters, drift_report
from predictions.models import Arm, Outcome, Prediction
from predictions.tests.log_rows import log_rows, shifted_records, training_records

pytestmark = pytest.mark.django_db


def by_name(report) -> dict:
    return {feature.name: feature for feature in report.features}


def test_the_database_bins_numbers_as_the_profile_does(active_model):
    features = active_model.manifest["profile"]["features"]
    edges = {name: features[name]["edges"] for name in vocab.NUMERIC}
    # Values on each edge, just below and just above, and beyond both ends.
    ages = sorted({int(e) + d for e in edges["Age"] for d in (-1, 0, 1)} | {0, 120})
    ratios = [e + d for e in edges["Na_to_K"] for d in (-1e-3, 0.0, 1e-3)] + [1.0, 99.0]
    records = [
        vocab.PatientRecord(age, "F", "LOW", "HIGH", ratio)
        for age, ratio in zip(ages * 3, ratios, strict=False)
    ]
    log_rows(active_model, records)
    counts = Prediction.objects.aggregate(**counters(features))
    for name, column in (("Age", "age"), ("Na_to_K", "na_to_k")):
        expected = Counter(bin_of(edges[name], r.as_dict()[name]) for r in records)
        found = {
            i: counts[f"{column}_b{i}"]
            for i in range(len(edges[name]) + 1)
            if counts[f"{column}_b{i}"]
        }
        assert found == dict(expected), name


def test_inputs_like_the_training_data_are_stable(active_model):
    rng = random.Random(7)
    log_rows(active_model, rng.choices(training_records(), k=2000))
    report = drift_report()
    assert report.version == active_model.version
    assert report.rows == 2000
    for feature in report.features:
        assert feature.count == 2000
        assert feature.psi < 0.1, feature
        assert feature.verdict == "stable"
        assert feature.out_of_range_share == 0.0


def test_the_training_data_itself_has_no_drift(active_model):
    log_rows(active_model, training_records())
    assert {f.psi for f in drift_report().features} == {0.0}


def test_older_patients_with_higher_ratios_are_a_major_shift(active_model):
    log_rows(active_model, shifted_records(500))
    features = by_name(drift_report())
    for name in ("Age", "Na_to_K", "BP"):
        assert features[name].psi >= 0.25
        assert features[name].verdict == "major shift"
    training_max = max(r.na_to_k for r in training_records())
    assert training_max < 40.0  # so every shifted ratio is out of range
    assert features["Na_to_K"].out_of_range_share == 1.0
    assert features["Sex"].verdict == "stable"


def test_only_served_rows_of_the_version_in_the_window_count(active_model):
    now = timezone.now()
    served = log_rows(active_model, training_records()[:10], when=now)
    log_rows(active_model, training_records()[:3], arm=Arm.CANDIDATE, when=now)
    log_rows(active_model, training_records()[:2], arm=None, when=now)  # before arms
    shifted = shifted_records(50)
    log_rows(active_model, shifted, arm=Arm.SHADOW, when=now)
    log_rows(active_model, shifted, when=now - timedelta(days=8))
    log_rows(active_model, shifted, when=now + timedelta(minutes=1))
    other = ModelVersion.objects.create(
        version="other", sha256="0" * 64, artifact_path="x", manifest={}
    )
    log_rows(other, shifted, when=now)
    Prediction.objects.create(  # a rejected request has no inputs
        channel="api", outcome=Outcome.REJECTED, request_id="r", errors={}
    )
    report = drift_report(until=now + timedelta(seconds=1))
    assert report.rows == len(served) + 3 + 2
    assert {f.count for f in report.features} == {15}
    assert report.until - report.since == timedelta(days=7)


def test_a_window_and_a_version_can_be_named(active_model):
    now = timezone.now()
    log_rows(active_model, shifted_records(40), when=now - timedelta(days=20))
    log_rows(active_model, training_records()[:5], when=now)
    report = drift_report(
        since=now - timedelta(days=21),
        until=now - timedelta(days=19),
        version=active_model.version,
    )
    assert report.rows == 40
    assert by_name(report)["Age"].verdict == "major shift"


def test_a_version_without_a_profile_says_how_to_get_one(active_model):
    old = ModelVersion.objects.create(
        version="20250101-000000-old", sha256="1" * 64, artifact_path="x",
        manifest={"version": "20250101-000000-old", "features": []},
    )  # fmt: skip
    log_rows(old, training_records()[:4])
    report = drift_report(version=old.version)
    assert report.features == []
    assert report.rows == 4
    assert report.problem == NO_PROFILE.format(old.version)
    assert "train_model" in report.problem


def test_an_empty_window_has_no_figures(active_model):
    features = drift_report().features
    assert [f.verdict for f in features] == ["no data"] * len(vocab.FEATURES)
    assert {f.psi for f in features} == {None}


def test_unknown_versions_and_no_active_model_are_errors(no_model):
    with pytest.raises(ModelUnavailable):
        drift_report()
    with pytest.raises(ModelVersion.DoesNotExist):
        drift_report(version="nope")
