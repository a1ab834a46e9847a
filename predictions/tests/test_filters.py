"""Filters of GET /api/v1/predictions/: drug, channel, model version and time."""

import pytest

from ml.reference import EXAMPLES
from predictions.models import Channel

API = "/api/v1/predictions/"


def listed(client, **params) -> list[int]:
    response = client.get(API, params)
    assert response.status_code == 200
    return sorted(item["id"] for item in response.json()["results"])


@pytest.fixture
def rows(user, logged) -> dict:
    """One drugC row from the API, one DrugY row from the legacy endpoint."""
    return {
        "drugC": logged(user=user, channel=Channel.API, record=EXAMPLES[0][0]),
        "DrugY": logged(user=user, channel=Channel.LEGACY, record=EXAMPLES[1][0]),
    }


@pytest.mark.parametrize("drug", ["drugC", "drugc", "DrugY"])
def test_filter_by_drug_ignores_case(drug, user_client, rows):
    expected = rows["drugC" if drug.lower() == "drugc" else "DrugY"]

    assert listed(user_client, drug=drug) == [expected.pk]


def test_filter_by_channel(user_client, rows):
    assert listed(user_client, channel="legacy") == [rows["DrugY"].pk]
    assert listed(user_client, channel="api") == [rows["drugC"].pk]
    assert listed(user_client, channel="form") == []


def test_filter_by_model_version(user_client, rows, active_model):
    every = sorted(row.pk for row in rows.values())

    assert listed(user_client, model_version=active_model.version) == every
    assert listed(user_client, model_version="no-such-version") == []


def test_filter_by_creation_time(user_client, rows):
    earlier, later = rows["drugC"], rows["DrugY"]
    cut = later.created_at.isoformat()

    assert listed(user_client, created_after=cut) == [later.pk]
    assert listed(user_client, created_before=cut) == [earlier.pk]


def test_an_unknown_channel_is_a_bad_request(user_client, rows):
    assert user_client.get(API, {"channel": "fax"}).status_code == 400
