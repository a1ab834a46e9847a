"""Who may open what, what error pages give away, and that the log cannot change.

Every role of predictions.roles, an account without one, anonymous callers and a
superuser, against every endpoint, page and admin action. Anonymous use is off
(DRUGSITE_ALLOW_ANONYMOUS, the default). Each signed-in client carries both its
session and an API token, as a browser plus a script of one person would.
"""

import pytest
from django.contrib.auth.models import Permission
from django.test import Client

from drugsite.tests.conftest import ROLES
from ml import predictor
from ml.models import ModelVersion
from predictions.models import Prediction

API = "/api/v1/predictions/"
TOKENS = "/api/v1/auth/tokens/"
PATIENT = {"age": 47, "sex": "F", "bp": "LOW", "cholesterol": "HIGH", "na_to_k": 14}
LEGACY = "/drug?Age=60&Sex=F&BP=LOW&Cholesterol=HIGH&Na_to_K=20"
PREDICTIONS = "/admin/predictions/prediction/"
VERSIONS = "/admin/ml/modelversion/"
MODELS = "/api/v1/models/"
OPEN = (200,) * 6
#: (method, path, body) -> status for anonymous, no role, prescriber, auditor,
#: model manager, superuser. Bodies: see `call`.
MATRIX = {
    ("GET", "/", None): (302, 403, 200, 403, 403, 200),
    ("POST", "/", "patient"): (302, 403, 302, 403, 403, 302),
    ("GET", LEGACY, None): (401, 403, 200, 403, 403, 200),
    ("GET", LEGACY, "session only"): (401,) * 6,
    ("GET", API, None): (401, 200, 200, 200, 200, 200),
    ("POST", API, "patient"): (401, 403, 201, 403, 403, 201),
    ("GET", API + "{mine}/", None): (401, 404, 200, 200, 404, 200),
    ("GET", API + "{theirs}/", None): (401, 404, 404, 200, 404, 200),
    ("GET", "/api/v1/model/", None): (401, 403, 200, 403, 403, 200),
    # Model managers change what serves (here refused: 409, or 400 without a
    # mode); Auditors read the history.
    ("POST", MODELS + "{version}/activate/", "reason"): (401, 403, 403, 403, 409, 409),
    ("POST", MODELS + "rollback/", "reason"): (401, 403, 403, 403, 409, 409),
    ("POST", MODELS + "{version}/rollout/", "reason"): (401, 403, 403, 403, 400, 400),
    ("GET", MODELS + "changes/", None): (401, 403, 403, 200, 200, 200),
    ("GET", "/dashboard/", None): (302, 403, 403, 200, 200, 200),
    ("POST", TOKENS, None): (401, 201, 201, 201, 201, 201),
    ("DELETE", TOKENS, None): (401, 204, 204, 204, 204, 204),
    ("DELETE", TOKENS + "current/", None): (401, 204, 204, 204, 204, 204),
    ("GET", "/api/schema/", None): OPEN,
    ("GET", "/api/docs/", None): OPEN,
    ("GET", "/healthz", None): OPEN,
    ("GET", "/readyz", None): OPEN,
    ("GET", "/metrics", None): OPEN,
    ("GET", "/admin/", None): (302, 302, 302, 200, 200, 200),
    ("GET", PREDICTIONS, None): (302, 302, 302, 200, 403, 200),
    ("GET", PREDICTIONS + "{theirs}/change/", None): (302, 302, 302, 200, 403, 200),
    ("POST", PREDICTIONS, "export"): (302, 302, 302, 200, 403, 200),
    ("GET", VERSIONS, None): (302, 302, 302, 403, 200, 200),
    ("GET", VERSIONS + "{model}/change/", None): (302, 302, 302, 403, 200, 200),
    ("GET", "/admin/ml/modelchange/", None): (302, 302, 302, 200, 200, 200),
    ("POST", VERSIONS, "activate"): (302, 302, 302, 403, 302, 302),
    ("GET", "/admin/knox/authtoken/", None): (302, 302, 302, 403, 403, 200),
    ("GET", "/admin/auth/user/", None): (302, 302, 302, 403, 403, 200),
    ("GET", "/admin/axes/accessattempt/", None): (302, 302, 302, 403, 403, 200),
}
CELLS = [
    pytest.param(role, method, path, body, statuses[i], id=f"{role}-{method}-{path}")
    for (method, path, body), statuses in MATRIX.items()
    for i, role in enumerate(ROLES)
]
LEAKS = ("Traceback", 'File "', "SELECT", "INSERT", "Using the URLconf")


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DRUGSITE_ALLOW_ANONYMOUS = False
    settings.DEBUG = False


@pytest.fixture
def no_model(db):
    predictor.clear_cache()
    yield
    predictor.clear_cache()


def call(client: Client, method: str, path: str, body=None, ids=()):
    """A JSON patient to the API, a form post to the pages, an admin action."""
    if body == "session only":
        return client.generic(method, path, headers={"Authorization": ""})
    if body in ("export", "activate"):
        action = {"export": "export_csv", "activate": "activate"}[body]
        data = {"action": action, "_selected_action": list(ids)}
        if body == "activate":  # past the page that asks why (ml.admin_changes)
            data.update(reason="permission matrix", apply="yes")
        return client.post(path, data)
    if method != "POST":
        return client.generic(method, path)
    if path.startswith("/api/"):
        return client.post(path, body, content_type="application/json")
    return client.post(path, body)


def action_targets(body, rows) -> list[int]:
    if body == "activate":
        return [rows["mine"].model_version_id]
    return [row.pk for row in rows.values()]


@pytest.mark.parametrize(("role", "method", "path", "body", "expected"), CELLS)
def test_each_role_gets_the_expected_status_from_each_page(
    role, method, path, body, expected, clients, rows, settings
):
    ids = {name: row.pk for name, row in rows.items()}
    version = rows["mine"].model_version.version
    path = path.format(model=rows["mine"].model_version_id, version=version, **ids)
    data = {"patient": PATIENT, "reason": {"reason": "matrix"}}.get(body, body)

    response = call(clients[role], method, path, data, action_targets(body, rows))

    assert response.status_code == expected
    if expected == 302:
        not_staff = role in ("no_role", "prescriber") and path.startswith("/admin/")
        to_login = role == "anonymous" or not_staff
        assert ("/login/" in response["Location"]) == to_login
    if expected >= 400:
        assert_gives_nothing_away(response, settings)


@pytest.mark.parametrize(
    ("role", "visible"),
    [
        ("no_role", set()),
        ("prescriber", {"mine"}),
        ("auditor", {"mine", "theirs"}),
        ("model_manager", set()),
        ("superuser", {"mine", "theirs"}),
    ],
)
def test_the_api_lists_every_row_only_to_accounts_with_the_view_permission(
    role, visible, clients, rows
):
    listed = {row["id"] for row in clients[role].get(API).json()["results"]}

    assert listed == {rows[name].pk for name in visible}


def test_the_staff_flag_alone_shows_no_patient_rows(django_user_model, rows):
    client = Client()
    client.force_login(django_user_model.objects.create_user("sam", is_staff=True))

    assert client.get(API).json()["count"] == 0
    assert client.get(f"{API}{rows['theirs'].pk}/").status_code == 404
    assert client.get(PREDICTIONS).status_code == 403


def test_the_view_permission_without_the_staff_flag_shows_every_row_in_the_api(
    django_user_model, rows
):
    viewer = django_user_model.objects.create_user("vera")
    viewer.user_permissions.add(Permission.objects.get(codename="view_prediction"))
    client = Client()
    client.force_login(viewer)

    assert client.get(API).json()["count"] == 2
    assert client.get(PREDICTIONS).status_code == 302  # admin wants staff too


def test_a_model_manager_activates_a_version_in_admin(clients, rows, active_model):
    ModelVersion.objects.update(is_active=False)

    response = call(
        clients["model_manager"], "POST", VERSIONS, "activate", [active_model.pk]
    )

    assert response.status_code == 302
    assert ModelVersion.objects.get(is_active=True) == active_model


def test_the_activate_action_needs_its_own_permission(django_user_model, rows):
    viewer = django_user_model.objects.create_user("vic", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_modelversion"))
    client = Client()
    client.force_login(viewer)
    ModelVersion.objects.update(is_active=False)

    page = client.get(VERSIONS)
    call(client, "POST", VERSIONS, "activate", [rows["mine"].model_version_id])

    actions = page.context["action_form"]
    assert page.status_code == 200
    assert actions is None or "activate" not in dict(actions.fields["action"].choices)
    assert not ModelVersion.objects.filter(is_active=True).exists()


def test_an_auditor_exports_every_selected_row_as_csv(clients, rows):
    response = call(
        clients["auditor"], "POST", PREDICTIONS, "export", action_targets(None, rows)
    )

    body = b"".join(response.streaming_content) if response.streaming else None
    assert response["Content-Type"].startswith("text/csv")
    assert len((body or response.content).decode().strip().splitlines()) == 3


def raise_runtime_error(**kwargs):
    raise RuntimeError('File "services.py", SELECT secret FROM log; INSERT boom')


ERRORS = [
    pytest.param("prescriber", "POST", API, {"age": "abc"}, 400, id="400-api"),
    pytest.param("prescriber", "GET", "/drug?Age=abc", None, 400, id="400-legacy"),
    pytest.param("prescriber", "POST", "/", {"age": "abc"}, 400, id="400-form"),
    pytest.param("anonymous", "GET", API, None, 401, id="401-api"),
    pytest.param("auditor", "GET", VERSIONS, None, 403, id="403-admin"),
    pytest.param("auditor", "GET", "/", None, 403, id="403-form"),
    pytest.param("auditor", "POST", API, PATIENT, 403, id="403-api"),
    pytest.param("prescriber", "GET", "/no-such-page", None, 404, id="404-page"),
    pytest.param("prescriber", "GET", API + "999999/", None, 404, id="404-api"),
    pytest.param("prescriber", "GET", API + "abc/", None, 404, id="404-api-bad-id"),
    pytest.param("prescriber", "PUT", API, None, 405, id="405-api"),
    pytest.param("prescriber", "DELETE", "/", None, 405, id="405-form"),
]


@pytest.mark.parametrize(("role", "method", "path", "data", "expected"), ERRORS)
def test_error_bodies_give_nothing_away(
    role, method, path, data, expected, clients, active_model, settings
):
    response = call(clients[role], method, path, data)

    assert response.status_code == expected
    assert_gives_nothing_away(response, settings)


def assert_gives_nothing_away(response, settings) -> None:
    body = response.content.decode()
    assert settings.SECRET_KEY not in body
    for leak in LEAKS:
        assert leak not in body


def test_a_403_for_a_forged_form_post_gives_nothing_away(clients, settings, db):
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.cookies = clients["prescriber"].cookies

    response = client.post("/", PATIENT)

    assert response.status_code == 403
    assert_gives_nothing_away(response, settings)


@pytest.mark.parametrize(
    ("method", "path"), [("POST", API), ("GET", LEGACY), ("GET", "/readyz")]
)
def test_a_503_without_a_model_gives_nothing_away(
    method, path, clients, settings, no_model
):
    response = call(clients["prescriber"], method, path, PATIENT)

    assert response.status_code == 503
    assert_gives_nothing_away(response, settings)


@pytest.mark.parametrize(
    ("target", "method", "path"),
    [
        ("predictions.apis.prediction_create", "POST", API),
        ("predictions.legacy.prediction_create", "GET", LEGACY),
        ("predictions.views.prediction_create", "POST", "/"),
    ],
)
def test_a_500_gives_nothing_away(
    target, method, path, clients, active_model, settings, monkeypatch
):
    monkeypatch.setattr(target, raise_runtime_error)

    response = call(clients["prescriber"], method, path, PATIENT)

    assert response.status_code == 500
    assert_gives_nothing_away(response, settings)
    assert "boom" not in response.content.decode()


def snapshot(row: Prediction) -> dict:
    return Prediction.objects.filter(pk=row.pk).values().get()


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("role", ROLES[2:])
@pytest.mark.parametrize("path", [API, API + "{mine}/"])
def test_the_api_cannot_change_or_delete_the_log(method, role, path, clients, rows):
    before = snapshot(rows["mine"])
    body = '{"drug": "drugX", "age": 90}'
    url = path.format(mine=rows["mine"].pk)

    response = clients[role].generic(method, url, body, content_type="application/json")

    assert response.status_code in (403, 404, 405)
    assert snapshot(rows["mine"]) == before
    assert Prediction.objects.count() == 2


@pytest.mark.parametrize("role", ["auditor", "superuser"])
@pytest.mark.parametrize(
    ("page", "data"),
    [
        ("change", {"drug": "drugX", "age": "90", "_save": "Save"}),
        ("delete", {"post": "yes"}),
    ],
)
def test_admin_cannot_change_or_delete_the_log(page, data, role, clients, rows):
    row = rows["theirs"]
    before = snapshot(row)

    response = clients[role].post(f"{PREDICTIONS}{row.pk}/{page}/", data)

    assert response.status_code == 403
    assert snapshot(row) == before
    assert Prediction.objects.count() == 2


@pytest.mark.parametrize("role", ["model_manager", "superuser"])
def test_admin_cannot_delete_a_model_version(role, clients, active_model):
    response = clients[role].post(f"{VERSIONS}{active_model.pk}/delete/", {"post": 1})

    assert response.status_code == 403
    assert ModelVersion.objects.filter(pk=active_model.pk).exists()
