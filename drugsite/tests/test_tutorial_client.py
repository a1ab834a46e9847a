"""The tutorial's published notebook client, unchanged, against the real server.

Its URL joined a host ending in "/" with a path starting with "/", so it asked for
``//drug?...``; Flask answered that, and so must drugsite.
"""

import pytest
import requests

HOST_WITH_SLASH_SUFFIX = "{url}/"
ENDPOINT = "/drug"
TUTORIAL_PATIENT = {
    "Age": 60,
    "Sex": "F",
    "BP": "LOW",
    "Cholesterol": "HIGH",
    "Na_to_K": 20,
}


def tutorial_client_url(host: str) -> str:
    """The URL exactly as the notebook built it: host + "/drug?" + a query."""
    query = "&".join(f"{name}={value}" for name, value in TUTORIAL_PATIENT.items())
    return host + ENDPOINT + "?" + query


def test_the_tutorial_clients_double_slash_url_is_answered_and_logged_once(
    live_stack,
):
    stack = live_stack(workers=1)
    url = tutorial_client_url(HOST_WITH_SLASH_SUFFIX.format(url=stack.url))
    assert "//drug?" in url

    response = requests.get(url, timeout=30, allow_redirects=False)

    assert response.status_code == 200
    assert response.json() == {"recommended_drug": "DrugY"}
    assert stack.rows(
        "SELECT channel, outcome, drug, request_id FROM predictions_prediction"
    ) == [("legacy", "answered", "DrugY", response.headers["X-Request-Id"])]


def test_a_double_slash_host_lookalike_is_not_redirected_off_site(live_stack):
    stack = live_stack(workers=1)

    response = requests.get(
        stack.url + "//evil.example/", timeout=30, allow_redirects=False
    )

    assert response.status_code == 404
    assert "Location" not in response.headers


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system
