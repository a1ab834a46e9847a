"""GET /api/v1/quality/: predictions.quality's figures as JSON, over a window."""

from dataclasses import asdict

import pytest

from predictions.quality import quality_report, shadow_comparison
from predictions.tests.test_quality import SINCE, table  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db
URL = "/api/v1/quality/"


def test_the_api_gives_the_same_figures_as_the_functions(staff_client, table):  # noqa: F811
    since = SINCE.isoformat().replace("+00:00", "Z")

    response = staff_client.get(URL, {"since": since})

    assert response.status_code == 200
    body = response.json()
    assert (body["since"], body["until"]) == (since, None)
    assert body["versions"] == [asdict(r) for r in quality_report(since=SINCE)]
    assert body["shadow"] == [asdict(c) for c in shadow_comparison(since=SINCE)]
    active = body["versions"][0]
    assert (active["version"], active["arm"], active["count"]) == ("v1", "active", 10)
    assert round(active["interval"]["low"], 4) == 0.4902


def test_without_outcomes_the_lists_are_empty(staff_client):
    body = staff_client.get(URL).json()

    assert body == {"since": None, "until": None, "versions": [], "shadow": []}


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"since": "yesterday"}, "since", "Use one of these formats instead"),
        ({"until": "2026-13-45"}, "until", "Use one of these formats instead"),
        (
            {"since": "2026-11-25T10:00Z", "until": "2026-11-25T09:00Z"},
            "until",
            "Must be after since.",
        ),
    ],
)
def test_a_bad_window_is_400_naming_the_parameter(staff_client, query, field, message):
    response = staff_client.get(URL, query)

    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert message in response.json()[field][0]
