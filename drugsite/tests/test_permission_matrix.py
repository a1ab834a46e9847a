"""Who may open what, what error pages give away, and that the log cannot change.

Anonymous use is off (DRUGSITE_ALLOW_ANONYMOUS, the default). "staff" is a plain
staff account without model permissions, as Django creates it.
"""

import pytest
from django.test import Client

from ml import predictor
from ml.reference import EXAMPLES
from predictions.models import Channel, Prediction
from predictions.services import prediction_create

API = "/api/v1/predictions/"
PATIENT = {"age": 47, "sex": "F", "bp": "LOW", "cholesterol": "HIGH", "na_to_k": 14}
LEGACY = "/drug?Age=60&Sex=F&BP=LOW&Cholesterol=HIGH&Na_to_K=20"
ROLES = ("anonymous", "user", "staff", "superuser")
ADMIN_PAGES = {
    "/admin/": (302, 302, 200, 200),
    "/admin/predictions/prediction/": (302, 302, 403, 200),
    "/admin/predictions/prediction/{theirs}/change/": (302, 302, 403, 200),
    "/admin/ml/modelversion/": (302, 302, 403, 200),
    "/admin/authtoken/tokenproxy/": (302, 302, 403, 200),
}
#: (method, path) -> expected status for anonymous, user, staff, superuser.
MATRIX = {
    ("GET", "/"): (302, 200, 200, 200),
    ("GET", LEGACY): (401, 200, 200, 200),
    ("GET", API): (401, 200, 200, 200),
    ("POST", API): (401, 201, 201, 201),
    ("GET", API + "{mine}/"): (401, 200, 200, 200),
    ("GET", API + "{theirs}/"): (401, 404, 200, 200),
    ("GET", "/api/v1/model/"): (401, 200, 200, 200),
    ("GET", "/api/schema/"): (200, 200, 200, 200),
    ("GET", "/api/docs/"): (200, 200, 200, 200),
    ("GET", "/healthz"): (200, 200, 200, 200),
    ("GET", "/readyz"): (200, 200, 200, 200),
    ("GET", "/metrics"): (200, 200, 200, 200),
    **{("GET", page): expected for page, expected in ADMIN_PAGES.items()},
}
CELLS = [
    pytest.param(role, method, path, statuses[i], id=f"{role}-{method}-{path}")
    for (method, path), statuses in MATRIX.items()
    for i, role in enumerate(ROLES)
]
LEAKS = ("Traceback", 'File "', "SELECT", "INSERT", "Using the URLconf")


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DRUGSITE_ALLOW_ANONYMOUS = False
    settings.DEBUG = False


@pytest.fixture
def clients(django_user_model) -> dict[str, Client]:
    """One client per role; the user role is alice."""
    make = django_user_model.objects.create_user
    people = {
        "user": make("alice"),
        "staff": make("carol", is_staff=True),
        "superuser": django_user_model.objects.create_superuser("root", password=None),
    }
    result = {"anonymous": Client(raise_request_exception=False)}
    for role, person in people.items():
        result[role] = Client(raise_request_exception=False)
        result[role].force_login(person)
    return result


@pytest.fixture
def rows(active_model, clients, django_user_model) -> dict[str, Prediction]:
    """One answered row of alice's, and one of another clinician's."""
    alice = django_user_model.objects.get(username="alice")
    bob = django_user_model.objects.create_user("bob")
    return {
        name: prediction_create(
            records=[EXAMPLES[0][0]], channel=Channel.API, user=owner, request_id=name
        )[0]
        for name, owner in (("mine", alice), ("theirs", bob))
    }


@pytest.fixture
def no_model(db):
    predictor.clear_cache()
    yield
    predictor.clear_cache()


def call(client: Client, method: str, path: str, data=PATIENT):
    """JSON to the API, a form post to the pages, a bare request otherwise."""
    if method != "POST":
        return client.generic(method, path)
    if path.startswith("/api/"):
        return client.post(path, data, content_type="application/json")
    return client.post(path, data)


@pytest.mark.parametrize(("role", "method", "path", "expected"), CELLS)
def test_each_role_gets_the_expected_status_from_each_page(
    role, method, path, expected, clients, rows
):
    path = path.format(**{name: row.pk for name, row in rows.items()})

    response = call(clients[role], method, path)

    assert response.status_code == expected
    if expected == 302:
        assert "/login/" in response["Location"]


def raise_runtime_error(**kwargs):
    raise RuntimeError('File "services.py", SELECT secret FROM log; INSERT boom')


ERRORS = [
    pytest.param("user", "POST", API, {"age": "abc"}, 400, id="400-api"),
    pytest.param("user", "GET", "/drug?Age=abc", None, 400, id="400-legacy"),
    pytest.param("user", "POST", "/", {"age": "abc"}, 400, id="400-form"),
    pytest.param("anonymous", "GET", API, None, 401, id="401-api"),
    pytest.param("staff", "GET", "/admin/ml/modelversion/", None, 403, id="403-admin"),
    pytest.param("user", "GET", "/no-such-page", None, 404, id="404-page"),
    pytest.param("user", "GET", API + "999999/", None, 404, id="404-api"),
    pytest.param("user", "GET", API + "abc/", None, 404, id="404-api-bad-id"),
    pytest.param("user", "PUT", API, None, 405, id="405-api"),
    pytest.param("user", "DELETE", "/", None, 405, id="405-form"),
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
    client.cookies = clients["user"].cookies

    response = client.post("/", PATIENT)

    assert response.status_code == 403
    assert_gives_nothing_away(response, settings)


@pytest.mark.parametrize(
    ("method", "path"), [("POST", API), ("GET", LEGACY), ("GET", "/readyz")]
)
def test_a_503_without_a_model_gives_nothing_away(
    method, path, clients, settings, no_model
):
    response = call(clients["user"], method, path)

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

    response = call(clients["user"], method, path)

    assert response.status_code == 500
    assert_gives_nothing_away(response, settings)
    assert "boom" not in response.content.decode()


def snapshot(row: Prediction) -> dict:
    return Prediction.objects.filter(pk=row.pk).values().get()


@pytest.mark.parametrize("method", ["PUT", "PATCH", "DELETE"])
@pytest.mark.parametrize("role", ["user", "staff", "superuser"])
@pytest.mark.parametrize("path", [API, API + "{mine}/"])
def test_the_api_cannot_change_or_delete_the_log(method, role, path, clients, rows):
    before = snapshot(rows["mine"])
    body = '{"drug": "drugX", "age": 90}'
    url = path.format(mine=rows["mine"].pk)

    response = clients[role].generic(method, url, body, content_type="application/json")

    assert response.status_code in (403, 405)
    assert snapshot(rows["mine"]) == before
    assert Prediction.objects.count() == 2


@pytest.mark.parametrize("role", ["staff", "superuser"])
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

    response = clients[role].post(
        f"/admin/predictions/prediction/{row.pk}/{page}/", data
    )

    assert response.status_code == 403
    assert snapshot(row) == before
    assert Prediction.objects.count() == 2
