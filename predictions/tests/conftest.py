"""Fixtures of the predictions app's tests: users, clients, and the three channels."""

import base64
import io
import uuid
from collections.abc import Callable
from dataclasses import asdict
from unittest.mock import patch

import pytest
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import DatabaseError, close_old_connections, connection
from django.test import Client

from ml import predictor
from ml.features import PatientRecord
from ml.reference import EXAMPLES
from predictions import drawings
from predictions.audit.triggers import triggers_drop
from predictions.models import AuthMethod, Channel, Prediction
from predictions.origin import Origin
from predictions.roles import role_get, role_grant
from predictions.services import prediction_create, prediction_reject
from predictions.tokens import token_create

PASSWORD = "a-long-test-password-9"


def with_role(user, role: str):
    """`user`, given a role of predictions.roles through its service."""
    role_grant(user=user, role=role_get(role))
    return user


@pytest.fixture
def user(django_user_model):
    """A signed-in clinician (a Prescriber) without staff rights."""
    make = django_user_model.objects.create_user
    return with_role(make(username="alice", password=PASSWORD), "prescriber")


@pytest.fixture
def other_user(django_user_model):
    """A second clinician (a Prescriber), whose rows alice must not see."""
    make = django_user_model.objects.create_user
    return with_role(make(username="bob", password=PASSWORD), "prescriber")


@pytest.fixture
def staff_user(django_user_model):
    """An Auditor (staff, not a superuser), who may read every row."""
    make = django_user_model.objects.create_user
    return with_role(make(username="carol", password=PASSWORD), "auditor")


def signed_in(user) -> Client:
    """A client with the user's session and API token (GET /drug takes only a token)."""
    _, key = token_create(user=user)
    client = Client(headers={"Authorization": f"Token {key}"})
    client.force_login(user)
    return client


def basic(username: str, password: str) -> dict:
    """An HTTP Basic Authorization header."""
    pair = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {"Authorization": f"Basic {pair}"}


@pytest.fixture
def token_works() -> Callable[[str], bool]:
    """Whether an API key authenticates a call (200) or is refused (401)."""

    def works(key: str) -> bool:
        auth = {"Authorization": f"Token {key}"}
        status = Client().get("/api/v1/predictions/", headers=auth).status_code
        assert status in (200, 401)
        return status == 200

    return works


@pytest.fixture
def key(user) -> str:
    """An API token's key of alice's."""
    return token_create(user=user)[1]


@pytest.fixture
def token_reads(monkeypatch) -> list[str]:
    """Each read of a token from the database, by key prefix."""
    from predictions import authentication

    found = []
    real = authentication.tokens_with_owners

    def counted(prefix, checked=True):
        found.append(prefix)
        return real(prefix, checked=checked)

    monkeypatch.setattr(authentication, "tokens_with_owners", counted)
    return found


@pytest.fixture
def user_client(user) -> Client:
    """A client with alice's session (the `client` fixture stays anonymous)."""
    return signed_in(user)


@pytest.fixture
def other_client(other_user) -> Client:
    return signed_in(other_user)


@pytest.fixture
def staff_client(staff_user) -> Client:
    return signed_in(staff_user)


@pytest.fixture
def record() -> PatientRecord:
    """The tutorial notebook's default patient (answered drugC)."""
    return PatientRecord(47, "F", "LOW", "HIGH", 14.0)


@pytest.fixture
def ask() -> Callable:
    """Ask one channel for a prediction for a record; returns the HTTP response."""

    def ask(client: Client, channel: str, record: PatientRecord, **extra):
        if channel == Channel.LEGACY:
            return client.get("/drug", record.as_dict(), **extra)
        if channel == Channel.API:
            return client.post(
                "/api/v1/predictions/",
                asdict(record),
                content_type="application/json",
                **extra,
            )
        return client.post("/", asdict(record), **extra)

    return ask


@pytest.fixture
def logged(active_model) -> Callable[..., Prediction]:
    """Write one answered row through the service, as a channel would."""

    def logged(
        *,
        user=None,
        channel=Channel.API,
        record=None,
        request_id=None,
        auth_method=AuthMethod.TOKEN,
        correlation_id="",
    ):
        origin = Origin.of(
            user=user,
            auth_method=auth_method,
            request_id=request_id or uuid.uuid4().hex,
            correlation_id=correlation_id,
        )
        (row,) = prediction_create(
            records=[record or EXAMPLES[0][0]], channel=channel, origin=origin
        )
        return row

    return logged


@pytest.fixture
def no_model(db):
    """A database without any registered model, and no model in the cache."""
    predictor.clear_cache()
    yield
    predictor.clear_cache()


@pytest.fixture
def broken_log():
    """The prediction log refuses every insert, like a full disk would."""
    with patch.object(
        Prediction.objects, "insert_many", side_effect=DatabaseError("disk full")
    ) as mock:
        yield mock


@pytest.fixture
def anonymous_allowed(settings):
    settings.DRUGSITE_ALLOW_ANONYMOUS = True


@pytest.fixture
def flushable(transactional_db):
    """The test commits, so the database is emptied after it: the append-only
    triggers would refuse that. They are dropped just before the flush, which
    puts them back (post_migrate: predictions.audit.triggers.triggers_reinstall)."""
    yield
    triggers_drop(connection)


@pytest.fixture
def audit_key(settings) -> bytes:
    """The key that signs the log's checkpoints."""
    settings.DRUGSITE_AUDIT_KEY = "a-test-audit-key"
    return b"a-test-audit-key"


@pytest.fixture
def no_triggers(db):
    """The log's append-only triggers dropped, as anyone owning the database could;
    the test's transaction, rolled back, puts them back."""
    triggers_drop(connection)


@pytest.fixture
def sealed_row(logged, user, audit_key) -> Prediction:
    """One answered row of alice's, sealed in a checkpoint."""
    row = logged(user=user)
    call_command("seal_audit_log", grace=0, stdout=io.StringIO())
    return row


def ids_skip(count: int) -> None:
    """Move the log's id sequence on, as a rolled-back insert does on PostgreSQL."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence('predictions_prediction', "
                "'id'), (SELECT MAX(id) FROM predictions_prediction) + %s)",
                [count],
            )
        else:
            cursor.execute(
                "UPDATE sqlite_sequence SET seq = seq + %s "
                "WHERE name = 'predictions_prediction'",
                [count],
            )


@pytest.fixture
def audit_log(logged, user, audit_key) -> dict[str, Prediction]:
    """Rows written by the services (an answer, a rejected request, a gap of three
    unused ids, an answer) sealed in one checkpoint; then one row not yet sealed."""
    rows = {"answered": logged(user=user, correlation_id="c-1")}
    rows["rejected"] = prediction_reject(
        data={"age": "abc", "huge": 1e300, "nothing": -0.0},
        errors={"age": ["A number."]},
        channel=Channel.API,
        origin=Origin.of(user=None, auth_method=AuthMethod.ANONYMOUS, request_id="r"),
    )
    ids_skip(3)
    rows["after_gap"] = logged(user=user, channel=Channel.FORM)
    call_command("seal_audit_log", grace=0, stdout=io.StringIO())
    rows["unsealed"] = logged()
    return rows


@pytest.fixture
def no_kept_trees():
    """No drawn tree kept from another test (drawings are cached per version)."""
    drawings.clear()
    yield
    drawings.clear()


@pytest.fixture(scope="session")
def contrary_store(tmp_path_factory):
    """A version trained on the bundled data with each drug renamed to the next
    one: it answers every patient differently from the active model, so a
    candidate's or a shadow's answers can be told apart from the served ones."""
    import csv

    from django.conf import settings

    from ml import features as vocab
    from ml.services import artifact_train

    store = tmp_path_factory.mktemp("contrary")
    labels = vocab.LABELS
    renamed = {drug: labels[(i + 1) % len(labels)] for i, drug in enumerate(labels)}
    with open(settings.ML_DEFAULT_DATASET, newline="") as source:
        rows = list(csv.DictReader(source))
    with open(store / "contrary.csv", "w", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows({**r, vocab.TARGET: renamed[r[vocab.TARGET]]} for r in rows)
    return artifact_train(data=store / "contrary.csv", store=store).folder


@pytest.fixture
def contrary(active_model, contrary_store):
    """The contrary version, registered in this test's store, not serving yet."""
    import shutil

    from ml.registry import model_version_register

    folder = active_model.folder.parent / contrary_store.name
    shutil.copytree(contrary_store, folder)
    return model_version_register(folder=folder, trained_by="tests")


@pytest.fixture
def kept_connection():
    """As Django's test client does: a WSGI call ends without closing the test's
    transaction."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def lane_counts(monkeypatch, kept_connection) -> list[str]:
    """Each request the served application's lane hands to Django, by path. That
    Django is made when first called, so that its middleware reads the test's
    settings (as it does when a worker starts)."""
    from django.core.handlers.wsgi import WSGIHandler

    from drugsite import wsgi

    handed: list[str] = []
    made = []

    def django_app(environ, start_response):
        handed.append(environ["PATH_INFO"])
        made[:] = made or [WSGIHandler()]
        return made[0](environ, start_response)

    monkeypatch.setattr(wsgi.application, "django_app", django_app)
    return handed
