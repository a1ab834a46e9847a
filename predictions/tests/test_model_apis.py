"""The model-change endpoints: who may call them, what they change and record,
and how they refuse (400 naming the field, 404 naming the version, 409 why)."""

import pytest
import yaml
from django.test import Client

from ml.changes import REASON_REQUIRED
from ml.models import ModelChange, ModelVersion, Rollout
from ml.registry import model_version_activate
from predictions.tests.conftest import signed_in, with_role

pytestmark = pytest.mark.django_db
MODELS = "/api/v1/models/"
ROLES = ("anonymous", "no_role", "prescriber", "auditor", "model_manager", "superuser")


@pytest.fixture
def earlier(active_model, contrary) -> ModelVersion:
    """The contrary version is active, the bundled one was before it."""
    model_version_activate(version=contrary.version, reason="contrary first")
    return active_model


@pytest.fixture
def clients(django_user_model) -> dict[str, Client]:
    """A client per kind of caller, each with its session and API token."""
    make = django_user_model.objects.create_user
    result = {"anonymous": Client(), "no_role": signed_in(make("nora"))}
    for role, name in (("prescriber", "alice"), ("auditor", "carol")):
        result[role] = signed_in(with_role(make(name), role))
    result["model_manager"] = signed_in(with_role(make("mona"), "model_manager"))
    result["superuser"] = signed_in(django_user_model.objects.create_superuser("root"))
    return result


def post(client: Client, path: str, body=None):
    return client.post(MODELS + path, body or {}, content_type="application/json")


CHANGE = (401, 403, 403, 403, 201, 201)
#: (method, path, body, status for each of ROLES)
MATRIX = [
    ("POST", "{earlier}/activate/", {"reason": "r"}, CHANGE),
    ("POST", "rollback/", {"reason": "r"}, CHANGE),
    ("POST", "{earlier}/rollout/", {"mode": "shadow", "reason": "r"}, CHANGE),
    ("GET", "changes/", None, (401, 403, 403, 200, 200, 200)),
]
CELLS = [
    pytest.param(role, method, path, body, statuses[i], id=f"{role}-{method}-{path}")
    for method, path, body, statuses in MATRIX
    for i, role in enumerate(ROLES)
]


@pytest.mark.parametrize(("role", "method", "path", "body", "expected"), CELLS)
def test_each_role_gets_the_expected_status(
    role, method, path, body, expected, clients, earlier
):
    url = MODELS + path.format(earlier=earlier.version)
    client = clients[role]
    before = ModelChange.objects.count()

    if method == "GET":
        response = client.get(url)
    else:
        response = client.post(url, body, content_type="application/json")

    assert response.status_code == expected
    assert "detail" in response.json() or expected < 300
    grew = ModelChange.objects.count() - before
    assert grew == (1 if expected == 201 else 0)


def test_activation_answers_the_step_it_recorded(
    clients, earlier, contrary, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(
            clients["model_manager"], f"{earlier.version}/activate/", {"reason": "back"}
        )

    assert response.status_code == 201
    body = response.json()
    assert {
        k: body[k] for k in ("action", "version", "previous", "reason", "user")
    } == {
        "action": "activate",
        "version": earlier.version,
        "previous": contrary.version,
        "reason": "back",
        "user": "mona",
    }
    assert ModelVersion.objects.active() == earlier
    model = clients["superuser"].get("/api/v1/model/").json()
    assert model["version"] == earlier.version  # served at once in this process


def test_rollback_answers_where_it_went(clients, earlier, contrary):
    response = post(clients["model_manager"], "rollback/", {"reason": "worse"})
    assert response.status_code == 201
    body = response.json()
    assert (body["action"], body["version"], body["previous"]) == (
        "rollback",
        earlier.version,
        contrary.version,
    )


@pytest.mark.parametrize(
    ("body", "field", "message"),
    [
        ({}, "reason", REASON_REQUIRED),
        ({"reason": "   "}, "reason", REASON_REQUIRED),
        ({"reason": ["a"]}, "reason", "Not a valid string."),
    ],
)
def test_a_missing_or_blank_reason_is_a_400_naming_it(
    clients, earlier, body, field, message
):
    for path in (f"{earlier.version}/activate/", "rollback/"):
        response = post(clients["model_manager"], path, body)
        assert response.status_code == 400
        assert response.json() == {field: [message]}
    assert ModelChange.objects.count() == 2


def test_a_body_that_is_not_an_object_is_a_400(clients, earlier):
    response = post(clients["model_manager"], "rollback/", ["reason"])
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


@pytest.mark.parametrize(
    ("body", "field", "words"),
    [
        ({"mode": "canary"}, "mode", '"canary" is not one of candidate, shadow, none'),
        ({"mode": "candidate"}, "traffic_percent", "from 0 to 100"),
        ({"mode": "candidate", "traffic_percent": 101}, "traffic_percent", "100"),
        ({"mode": "candidate", "traffic_percent": -1}, "traffic_percent", "0"),
        ({"mode": "candidate", "traffic_percent": "x"}, "traffic_percent", "integer"),
    ],
)
def test_a_bad_rollout_is_a_400_naming_the_field(clients, earlier, body, field, words):
    response = post(
        clients["model_manager"], f"{earlier.version}/rollout/", {**body, "reason": "r"}
    )
    assert response.status_code == 400
    (message,) = response.json()[field]
    assert words in message


def test_rollout_makes_the_candidate_with_its_share(clients, earlier):
    response = post(
        clients["model_manager"],
        f"{earlier.version}/rollout/",
        {"mode": "candidate", "traffic_percent": 10, "reason": "try 10 %"},
    )
    assert response.status_code == 201
    assert (response.json()["action"], response.json()["traffic_percent"]) == (
        "candidate",
        10,
    )
    earlier.refresh_from_db()
    assert (earlier.rollout, earlier.traffic_percent) == (Rollout.CANDIDATE, 10)


def test_an_unknown_version_is_a_404_naming_it(clients, earlier):
    for path, body in (
        ("nope/activate/", {"reason": "r"}),
        ("nope/rollout/", {"mode": "shadow", "reason": "r"}),
    ):
        response = post(clients["model_manager"], path, body)
        assert response.status_code == 404
        assert "No registered model version 'nope'" in response.json()["detail"]


def test_an_artifact_failing_verification_is_a_409_saying_why(
    clients, earlier, settings
):
    settings.DEBUG = False
    (earlier.folder / "compiled.json").write_text("{}")
    for path, body in (
        (f"{earlier.version}/activate/", {"reason": "r"}),
        (f"{earlier.version}/rollout/", {"mode": "shadow", "reason": "r"}),
        ("rollback/", {"reason": "r"}),
    ):
        response = post(clients["model_manager"], path, body)
        assert response.status_code == 409
        assert "does not match its registered sha256" in response.json()["detail"]
    assert ModelChange.objects.count() == 2


@pytest.mark.parametrize(
    ("path", "body", "words"),
    [
        ("{active}/activate/", {"reason": "r"}, "already active"),
        ("{active}/rollout/", {"mode": "shadow", "reason": "r"}, "is the active"),
        ("{earlier}/rollout/", {"mode": "none", "reason": "r"}, "out of rollout"),
    ],
)
def test_a_change_that_cannot_be_made_is_a_409_saying_why(
    clients, earlier, contrary, path, body, words
):
    url = path.format(active=contrary.version, earlier=earlier.version)
    response = post(clients["model_manager"], url, body)
    assert response.status_code == 409
    assert words in response.json()["detail"]


def test_rollback_without_an_earlier_version_is_a_409(clients, active_model):
    response = post(clients["model_manager"], "rollback/", {"reason": "r"})
    assert response.status_code == 409
    assert "No earlier version" in response.json()["detail"]


def test_the_history_is_newest_first_and_filters(clients, earlier, contrary):
    post(clients["model_manager"], "rollback/", {"reason": "worse"})
    auditor = clients["auditor"]

    listed = auditor.get(MODELS + "changes/").json()
    assert [r["action"] for r in listed["results"]] == [
        "rollback",
        "activate",
        "activate",
    ]
    assert listed["results"][0]["user"] == "mona"
    assert listed["results"][-1]["user"] is None  # by the fixture, as a command
    rollbacks = auditor.get(MODELS + "changes/?action=rollback").json()["results"]
    assert [r["version"] for r in rollbacks] == [earlier.version]
    mine = auditor.get(MODELS + f"changes/?version={contrary.version}").json()
    assert [r["reason"] for r in mine["results"]] == ["contrary first"]
    bad = auditor.get(MODELS + "changes/?action=explode")
    assert bad.status_code == 400
    assert "action" in bad.json()


def test_the_schema_documents_the_endpoints_and_their_errors(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi")
    paths = yaml.safe_load(response.content)["paths"]
    for path in ("{version}/activate/", "rollback/", "{version}/rollout/"):
        post_ = paths[MODELS + path]["post"]
        assert {"201", "400", "401", "403", "409"} <= set(post_["responses"])
        assert "Model managers" in post_["description"]
    assert "404" in paths[MODELS + "{version}/activate/"]["post"]["responses"]
    assert "200" in paths[MODELS + "changes/"]["get"]["responses"]
