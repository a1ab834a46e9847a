"""Liveness, readiness and metrics endpoints."""

from unittest.mock import patch

import pytest
from django.db import OperationalError

from ml import predictor

pytestmark = pytest.mark.django_db

LEGACY = "/drug?Age=60&Sex=F&BP=LOW&Cholesterol=HIGH&Na_to_K=20"


def test_healthz_answers_without_a_database_or_model(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_is_ok_with_a_verified_model_answering_the_examples(
    client, active_model
):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["model"] == f"ok: {active_model.version}"


def test_readyz_names_the_model_when_none_is_active(client):
    predictor.clear_cache()
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["model"].startswith("failing: no usable model")
    assert response.json()["checks"]["database"] == "ok"


def test_readyz_fails_when_the_artifact_is_tampered(client, active_model, settings):
    settings.ML_MODEL_REFRESH_SECONDS = 0
    active_model.path.write_bytes(active_model.path.read_bytes() + b"tampered")
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "failing" in response.json()["checks"]["model"]
    assert str(active_model.path) not in response.content.decode()  # no paths leak


def test_readyz_names_the_database_when_it_is_unreachable(client, active_model):
    with patch(
        "predictions.ops.connection.cursor",
        side_effect=OperationalError("connection refused"),
    ):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == "failing: database unreachable"
    assert "refused" not in response.content.decode()


def test_readyz_fails_when_the_model_answers_an_example_wrongly(client, active_model):
    with patch("predictions.ops.failing_examples", return_value=["wrong"]):
        response = client.get("/readyz")
    assert response.status_code == 503
    assert "reference examples" in response.json()["checks"]["model"]


def test_readyz_checks_the_cache_when_redis_is_configured(
    client, active_model, settings
):
    settings.REDIS_URL = "redis://127.0.0.1:6379/3"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": settings.REDIS_URL,
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"] == "ok"
    assert response.json()["status"] == "ok"


def test_readyz_names_an_unreachable_cache_degraded_and_keeps_the_host_in(
    client, active_model, settings
):
    # Every host shares the one Redis: failing readiness would pull them all
    # while the database and the model serve (throttling fails open).
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": settings.REDIS_URL,
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["checks"]["cache"] == "degraded: unreachable"
    assert body["checks"]["database"] == "ok"


def test_readyz_names_a_stopped_redis_degraded(
    client, active_model, settings, redis_server
):
    settings.REDIS_URL = redis_server.url
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": redis_server.url,
        }
    }
    assert client.get("/readyz").json()["checks"]["cache"] == "ok"
    redis_server.stop()
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["checks"]["cache"] == "degraded: unreachable"


def test_readyz_still_fails_for_the_model_while_the_cache_is_degraded(client, settings):
    predictor.clear_cache()
    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    settings.CACHES = {
        "default": {
            "BACKEND": "django_redis.cache.RedisCache",
            "LOCATION": settings.REDIS_URL,
        }
    }
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_metrics_count_predictions_by_drug_channel_and_version(
    client, active_model, settings
):
    settings.DRUGSITE_ALLOW_ANONYMOUS = True
    assert client.get(LEGACY).status_code == 200
    text = client.get("/metrics").content.decode()
    line = (
        f'drugsite_predictions_total{{channel="legacy",drug="DrugY",'
        f'model_version="{active_model.version}"}}'
    )
    assert line in text
    assert "drugsite_prediction_seconds_bucket" in text
    assert "drugsite_http_request_seconds_bucket" in text


def test_metrics_are_closed_to_addresses_off_the_allow_list(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.1.2.3"]
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200


def test_metrics_refuse_an_outside_client_relayed_by_a_proxy_on_this_host(
    client, settings
):
    settings.DRUGSITE_NUM_PROXIES = 1  # nginx on 127.0.0.1 in front
    relayed = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert relayed.status_code == 403
    forged = client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.7")
    assert forged.status_code == 403
    local = client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert local.status_code == 200


def test_metrics_allow_list_reads_azure_ip_and_port_forms(client, settings):
    settings.DRUGSITE_NUM_PROXIES = 1
    settings.METRICS_ALLOWED_IPS = ["10.1.2.3", "2001:db8::5"]
    ok = client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3:51234")
    assert ok.status_code == 200
    v6 = client.get("/metrics", HTTP_X_FORWARDED_FOR="[2001:db8::5]:443")
    assert v6.status_code == 200
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.4:1").status_code == 403


def test_without_a_proxy_a_forwarded_header_cannot_open_metrics(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.1.2.3"]
    forged = client.get("/metrics", HTTP_X_FORWARDED_FOR="10.1.2.3")
    assert forged.status_code == 403


def test_metrics_count_throttling_that_failed_open(client, settings):
    text = client.get("/metrics").content.decode()
    assert "# TYPE drugsite_throttle_degraded_total counter" in text


def test_metrics_require_the_bearer_token_when_one_is_set(client, settings):
    settings.METRICS_TOKEN = "s3cret-token"
    assert client.get("/metrics").status_code == 403
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403
    right = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret-token")
    assert right.status_code == 200
