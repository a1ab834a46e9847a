"""Repeated slashes merged as Flask did, and the paths answered in JSON."""

from urllib.parse import urlsplit

import pytest
from django.test import Client

from predictions.models import Channel, Outcome, Prediction
from predictions.paths import JSON_PATH_PREFIXES, merge_slashes, wants_json

TUTORIAL_QUERY = "Age=60&Sex=F&BP=LOW&Cholesterol=HIGH&Na_to_K=20"


def raw_get(client: Client, url: str, **extra):
    """GET a path as a server passes it: the test client reads ``//x`` as a host."""
    path, _, query = url.partition("?")
    return client.get("/", PATH_INFO=path, QUERY_STRING=query, **extra)


@pytest.mark.parametrize(
    ("path", "merged"),
    [
        ("//drug", "/drug"),
        ("///drug", "/drug"),
        ("//api//v1/predictions/", "/api/v1/predictions/"),
        ("/api/v1/predictions/", "/api/v1/predictions/"),
        ("//evil.example/", "/evil.example/"),
        ("/", "/"),
    ],
)
def test_merge_slashes_makes_each_run_of_slashes_one(path, merged):
    assert merge_slashes(path) == merged


@pytest.mark.parametrize(
    ("path", "json"),
    [
        ("/drug", True),
        ("/api/v1/predictions/", True),
        ("/api/schema/", True),
        ("/", False),
        ("/admin/", False),
        ("/accounts/login/", False),
        ("/apiary", False),
    ],
)
def test_wants_json_is_true_only_under_the_json_prefixes(path, json):
    assert wants_json(path) is json


def test_the_json_prefixes_are_the_api_and_the_tutorials_get():
    assert JSON_PATH_PREFIXES == ("/api/", "/drug")


def test_the_tutorial_clients_double_slash_url_is_answered_and_logged_once(
    client, active_model, anonymous_allowed
):
    response = raw_get(client, "//drug?" + TUTORIAL_QUERY)

    assert response.status_code == 200
    assert response.json() == {"recommended_drug": "DrugY"}
    row = Prediction.objects.get()
    assert (row.channel, row.outcome, row.drug) == (
        Channel.LEGACY,
        Outcome.ANSWERED,
        "DrugY",
    )
    assert row.request_id == response["X-Request-Id"]


def test_the_request_log_names_the_merged_path(
    client, active_model, anonymous_allowed, caplog
):
    caplog.set_level("INFO", logger="drugsite.request")
    raw_get(client, "///drug?" + TUTORIAL_QUERY)

    (line,) = [r for r in caplog.records if r.name == "drugsite.request"]
    assert (line.path, line.status) == ("/drug", 200)


def test_repeated_slashes_inside_an_api_path_are_merged(user_client, active_model):
    body = '{"age": 60, "sex": "F", "bp": "LOW", "cholesterol": "HIGH", "na_to_k": 20}'
    response = user_client.post(
        "/", body, content_type="application/json", PATH_INFO="//api//v1/predictions/"
    )

    assert response.status_code == 201
    assert response.json()["drug"] == "DrugY"
    assert Prediction.objects.get().channel == Channel.API


def test_a_merged_path_that_matches_nothing_is_a_json_404_under_the_api(client, db):
    response = raw_get(client, "//api//v1/nothing-here/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    "url",
    [
        "//evil.example/",
        "//evil.example",
        "///evil.example//x",
        "//evil.example/%2F..",
        "//admin",
        "//accounts//login",
    ],
)
def test_a_double_slash_path_never_redirects_to_another_host(client, db, url):
    response = raw_get(client, url, SERVER_NAME="testserver")

    location = response.headers.get("Location", "")
    assert not location.startswith("//")
    assert urlsplit(location).netloc in ("", "testserver")


def test_a_double_slash_to_a_page_redirects_only_within_the_site(client, db):
    response = raw_get(client, "//admin")

    assert response.status_code == 301
    assert response["Location"] == "/admin/"
