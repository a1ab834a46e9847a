"""The audit log in admin: browsable, searchable and exportable, never editable."""

import csv
import io
import json

import pytest

from ml.reference import EXAMPLES
from predictions.admin import EXPORT_FIELDS
from predictions.models import AuthMethod, Channel, Outcome, Prediction
from predictions.origin import Origin
from predictions.services import prediction_reject

CHANGELIST = "/admin/predictions/prediction/"


@pytest.fixture
def rows(logged) -> dict[str, Prediction]:
    """A drugC API answer, a DrugY legacy answer and a rejected form request."""
    return {
        "drugC": logged(channel=Channel.API, record=EXAMPLES[0][0], request_id="r-c"),
        "DrugY": logged(
            channel=Channel.LEGACY, record=EXAMPLES[1][0], request_id="r-y"
        ),
        "rejected": prediction_reject(
            data={"age": "abc"},
            errors={"age": ["bad"]},
            channel=Channel.FORM,
            origin=Origin.of(
                user=None, auth_method=AuthMethod.ANONYMOUS, request_id="r-bad"
            ),
        ),
    }


def shown(response) -> set[int]:
    assert response.status_code == 200
    return {row.pk for row in response.context["cl"].result_list}


def test_the_changelist_shows_every_row(admin_client, rows):
    assert shown(admin_client.get(CHANGELIST)) == {row.pk for row in rows.values()}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        pytest.param({"drug": "drugC"}, "drugC", id="drug"),
        pytest.param({"channel": "legacy"}, "DrugY", id="channel"),
        pytest.param({"outcome": "rejected"}, "rejected", id="outcome"),
        pytest.param({"q": "r-y"}, "DrugY", id="search-request-id"),
    ],
)
def test_the_changelist_filters_and_searches(query, expected, admin_client, rows):
    assert shown(admin_client.get(CHANGELIST, query)) == {rows[expected].pk}


def test_the_detail_page_is_read_only(admin_client, rows):
    row = rows["drugC"]

    response = admin_client.get(f"{CHANGELIST}{row.pk}/change/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="_save"' not in html
    assert 'name="drug"' not in html
    assert "r-c" in html
    assert response.context["has_change_permission"] is False


def test_rows_cannot_be_added(admin_client, rows):
    assert admin_client.get(f"{CHANGELIST}add/").status_code == 403


def test_rows_cannot_be_deleted(admin_client, rows):
    row = rows["drugC"]

    response = admin_client.post(f"{CHANGELIST}{row.pk}/delete/", {"post": "yes"})

    assert response.status_code == 403
    assert Prediction.objects.filter(pk=row.pk).exists()


def test_rows_cannot_be_deleted_by_the_bulk_action(admin_client, rows):
    ids = [row.pk for row in rows.values()]

    admin_client.post(
        CHANGELIST, {"action": "delete_selected", "_selected_action": ids}
    )

    assert Prediction.objects.count() == len(ids)


def export(admin_client, ids) -> list[list[str]]:
    response = admin_client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": ids}
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


def test_export_csv_holds_the_selected_rows(admin_client, rows):
    selected = [rows["drugC"], rows["rejected"]]

    header, *lines = export(admin_client, [row.pk for row in selected])

    assert header == list(EXPORT_FIELDS)
    column = dict(zip(header, zip(*lines, strict=True), strict=True))
    assert column["request_id"] == ("r-c", "r-bad")
    assert column["id"] == tuple(str(row.pk) for row in selected)
    assert column["outcome"] == (Outcome.ANSWERED, Outcome.REJECTED)
    assert column["drug"] == ("drugC", "")


def test_export_csv_escapes_cells_that_a_spreadsheet_would_run(
    admin_client, user_client, active_model
):
    user_client.post(
        "/api/v1/predictions/",
        '"=HYPERLINK(\\"http://evil.example\\")"',
        content_type="application/json",
        headers={"X-Request-Id": "-2-3"},
    )
    row = Prediction.objects.get()
    assert row.raw_input.startswith("=")

    header, line = export(admin_client, [row.pk])

    cells = dict(zip(header, line, strict=True))
    assert "HYPERLINK" in cells["raw_input"]
    assert cells["correlation_id"] == "'-2-3"
    assert not any(cell[:1] in ("=", "+", "-", "@") for cell in line)


def test_export_csv_names_the_model_version_without_its_current_status(
    admin_client, rows, active_model
):
    header, line = export(admin_client, [rows["drugC"].pk])

    assert dict(zip(header, line, strict=True))["model_version"] == (
        active_model.version
    )


def test_export_csv_writes_json_fields_as_json(admin_client, rows):
    row = rows["drugC"]

    header, line = export(admin_client, [row.pk])

    cells = dict(zip(header, line, strict=True))
    assert json.loads(cells["probabilities"]) == row.probabilities
    assert json.loads(cells["explanation"]) == row.explanation
