"""Who may record and read outcomes and see live quality: every kind of caller
(drugsite.tests.conftest's people) against the new endpoints, pages and admin.

Anonymous use is off. Prescribers record for their own rows only (another's is
404, as if it did not exist); Auditors read every outcome and the quality;
Model managers see the quality only; superusers may do all of it.
"""

import pytest

from drugsite.tests.conftest import ROLES
from predictions.models import RecordedOutcome
from predictions.outcome_services import outcome_record

OUTCOME = "/api/v1/predictions/{}/outcome/"
FORM = "/predictions/{}/outcome/"
ADMIN = "/admin/predictions/recordedoutcome/"
#: (method, path, body, outcomes recorded first) -> status for anonymous, no role,
#: prescriber, auditor, model manager, superuser.
MATRIX = {
    ("POST", OUTCOME.format("{mine}"), "drug", False): (401, 403, 201, 403, 403, 201),
    ("POST", OUTCOME.format("{theirs}"), "drug", False): (401, 403, 404, 403, 403, 201),
    ("GET", OUTCOME.format("{mine}"), None, True): (401, 404, 200, 200, 404, 200),
    ("GET", OUTCOME.format("{theirs}"), None, True): (401, 404, 404, 200, 404, 200),
    ("GET", "/api/v1/quality/", None, True): (401, 403, 403, 200, 200, 200),
    ("POST", FORM.format("{mine}"), "drug", False): (302, 403, 302, 403, 403, 302),
    ("POST", FORM.format("{theirs}"), "drug", False): (302, 403, 404, 403, 403, 302),
    ("GET", FORM.format("{mine}"), None, False): (302, 403, 405, 403, 403, 405),
    ("GET", ADMIN, None, True): (302, 302, 302, 200, 403, 200),
    ("GET", ADMIN + "{outcome}/change/", None, True): (302, 302, 302, 200, 403, 200),
    ("GET", ADMIN + "add/", None, False): (302, 302, 302, 403, 403, 200),
    ("POST", ADMIN + "add/", "admin", False): (302, 302, 302, 403, 403, 302),
}
CELLS = [
    pytest.param(role, *key, statuses[i], id=f"{role}-{key[0]}-{key[1]}")
    for key, statuses in MATRIX.items()
    for i, role in enumerate(ROLES)
]


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DRUGSITE_ALLOW_ANONYMOUS = False
    settings.DEBUG = False


def record_both(rows, people) -> int:
    """Outcomes for both rows, by their owners' side (a superuser); the first's id."""
    return min(
        outcome_record(
            prediction_id=row.pk,
            drug="drugC",
            user=people["superuser"],
            source=RecordedOutcome.Source.ADMIN,
        ).pk
        for row in rows.values()
    )


def send(client, method: str, url: str, body: dict | None):
    """JSON to the API, a form post to the pages and admin."""
    if method == "GET":
        return client.get(url)
    if url.startswith("/api/"):
        return client.post(url, body, content_type="application/json")
    return client.post(url, body)


def sent_to_login(role: str, url: str) -> bool:
    """Anonymous callers of pages, and accounts without staff in admin, sign in."""
    return role == "anonymous" or (
        url.startswith("/admin/") and role in ("no_role", "prescriber")
    )


@pytest.mark.parametrize(("role", "method", "path", "body", "first", "expected"), CELLS)
def test_each_role_gets_the_expected_status(
    role, method, path, body, first, expected, clients, rows, people
):
    outcome = record_both(rows, people) if first else None
    ids = {name: row.pk for name, row in rows.items()}
    url = path.format(outcome=outcome, **ids)
    data = {"drug": "drugX"} | ({"prediction": ids["mine"]} if body == "admin" else {})

    response = send(clients[role], method, url, data)

    assert response.status_code == expected
    to_login = expected == 302 and "/login/" in response["Location"]
    assert to_login == (expected == 302 and sent_to_login(role, url))
    recorded = expected == 201 or (expected == 302 and not to_login)
    assert RecordedOutcome.objects.count() == (2 if first else 0) + recorded


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("role", ROLES[2:])
def test_the_api_cannot_change_or_delete_an_outcome(
    method, role, clients, rows, people
):
    record_both(rows, people)
    before = list(RecordedOutcome.objects.values())

    response = clients[role].generic(
        method,
        OUTCOME.format(rows["mine"].pk),
        '{"drug": "drugA"}',
        content_type="application/json",
    )

    assert response.status_code in (403, 404, 405)
    assert list(RecordedOutcome.objects.values()) == before


@pytest.mark.parametrize("role", ["auditor", "superuser"])
@pytest.mark.parametrize(
    ("page", "data"), [("change", {"drug": "drugA"}), ("delete", {"post": "yes"})]
)
def test_admin_cannot_change_or_delete_an_outcome(
    role, page, data, clients, rows, people
):
    outcome = record_both(rows, people)

    response = clients[role].post(f"{ADMIN}{outcome}/{page}/", data)

    assert response.status_code == 403
    assert RecordedOutcome.objects.get(pk=outcome).drug == "drugC"
