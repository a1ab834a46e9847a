"""The OpenAPI schema documents every endpoint and validates; docs load locally."""

import io

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema(client) -> dict:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def test_schema_generation_validates_without_warnings():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
    assert out.getvalue().startswith("openapi: 3")


def test_schema_documents_every_endpoint(schema):
    assert set(schema["paths"]) == {
        "/api/v1/predictions/",
        "/api/v1/predictions/{id}/",
        "/api/v1/predictions/{id}/outcome/",
        "/api/v1/quality/",
        "/api/v1/model/",
        "/api/v1/models/{version}/activate/",
        "/api/v1/models/rollback/",
        "/api/v1/models/{version}/rollout/",
        "/api/v1/models/changes/",
        "/api/v1/auth/tokens/",
        "/api/v1/auth/tokens/current/",
        "/drug",
    }


def test_prediction_post_documents_body_examples_and_errors(schema):
    post = schema["paths"]["/api/v1/predictions/"]["post"]
    assert {"201", "400", "401", "429", "503"} <= set(post["responses"])
    assert post["requestBody"]["content"]["application/json"]["examples"]
    assert "does not prescribe" in post["description"]


def test_legacy_endpoint_documents_its_parameters_and_answer(schema):
    get = schema["paths"]["/drug"]["get"]
    params = {p["name"]: p for p in get["parameters"]}
    assert set(params) == {"Age", "Sex", "BP", "Cholesterol", "Na_to_K"}
    assert params["BP"]["schema"]["enum"] == ["HIGH", "LOW", "NORMAL"]
    answer = schema["components"]["schemas"]["LegacyAnswer"]
    assert list(answer["properties"]) == ["recommended_drug"]


def test_swagger_ui_loads_only_local_assets(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in page
    for host in ("cdn.", "unpkg", "jsdelivr", "googleapis"):
        assert host not in page


def test_token_endpoints_document_their_credentials_and_the_new_key(schema):
    tokens = schema["paths"]["/api/v1/auth/tokens/"]
    current = schema["paths"]["/api/v1/auth/tokens/current/"]

    assert set(tokens) == {"post", "delete"}
    assert tokens["post"]["security"] == [{"basicAuth": []}, {"cookieAuth": []}]
    assert {"201", "401", "429"} <= set(tokens["post"]["responses"])
    assert "204" in tokens["delete"]["responses"]
    assert current["delete"]["security"] == [{"tokenAuth": []}]
    new_token = schema["components"]["schemas"]["NewToken"]
    assert set(new_token["properties"]) == {"token", "expiry"}


def test_the_legacy_endpoint_takes_a_token_and_no_session(schema):
    assert schema["paths"]["/drug"]["get"]["security"] == [{"tokenAuth": []}]
