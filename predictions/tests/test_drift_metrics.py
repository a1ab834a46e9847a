"""/metrics: the drift gauges per feature and version, cached between scrapes."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from prometheus_client.parser import text_string_to_metric_families

from ml.models import ModelVersion, Rollout
from predictions.drift import drift_report
from predictions.drift_metrics import CACHE_KEY, CACHE_SECONDS
from predictions.models import Arm
from predictions.tests.log_rows import log_rows, shifted_records, training_records

pytestmark = pytest.mark.django_db


def gauges(client) -> dict[tuple[str, str, str], float]:
    """(metric, feature, version) -> value of the drift gauges on /metrics."""
    response = client.get("/metrics")
    assert response.status_code == 200
    return {
        (sample.name, sample.labels["feature"], sample.labels["version"]): sample.value
        for family in text_string_to_metric_families(response.content.decode())
        if family.name.startswith("drugsite_drift_")
        for sample in family.samples
    }


def test_the_gauges_hold_each_features_psi_and_out_of_range_share(client, active_model):
    log_rows(active_model, shifted_records(200) + training_records()[:200])
    found = gauges(client)
    report = drift_report()
    assert len(found) == 2 * len(report.features)
    for feature in report.features:
        key = (feature.name, active_model.version)
        assert found[("drugsite_drift_psi", *key)] == pytest.approx(feature.psi)
        ratio = found[("drugsite_drift_out_of_range_ratio", *key)]
        assert ratio == pytest.approx(feature.out_of_range_share)
    assert found[("drugsite_drift_out_of_range_ratio", "Age", active_model.version)] > 0


def test_a_candidate_has_gauges_of_its_own(client, active_model):
    candidate = ModelVersion.objects.create(
        version="cand", sha256="2" * 64, artifact_path="x",
        manifest=active_model.manifest, rollout=Rollout.CANDIDATE, traffic_percent=10,
    )  # fmt: skip
    log_rows(active_model, training_records()[:300])
    log_rows(candidate, shifted_records(100), arm=Arm.CANDIDATE)
    found = gauges(client)
    assert found[("drugsite_drift_psi", "Age", active_model.version)] < 0.1
    assert found[("drugsite_drift_psi", "Age", "cand")] >= 0.25


def test_scrapes_reuse_the_figures_for_a_minute(client, active_model, settings):
    log_rows(active_model, training_records()[:300])
    first = gauges(client)
    assert cache.get(CACHE_KEY) is not None
    assert CACHE_SECONDS == 60
    log_rows(active_model, shifted_records(300))
    with CaptureQueriesContext(connection) as queries:
        assert gauges(client) == first
    assert not any("predictions_prediction" in q["sql"] for q in queries)
    cache.delete(CACHE_KEY)  # as when the minute is over
    assert gauges(client) != first


def test_no_served_inputs_and_no_active_model_mean_no_gauges(client, no_model):
    assert gauges(client) == {}
    text = client.get("/metrics").content.decode()
    assert "# TYPE drugsite_drift_psi gauge" in text
