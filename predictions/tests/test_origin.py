"""Attribution: each row keeps who asked and how, as they were at that moment."""

import csv
import io
from dataclasses import asdict
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.test import Client
from knox.auth import TokenAuthentication as KnoxTokenAuthentication
from rest_framework.authentication import SessionAuthentication, TokenAuthentication

from predictions.models import AuthMethod, Channel, Prediction
from predictions.origin import auth_method_of
from predictions.tokens import token_create

API = "/api/v1/predictions/"
CHANGELIST = "/admin/predictions/prediction/"
SUCCESS = {Channel.FORM: 302, Channel.API: 201, Channel.LEGACY: 200}


def client_with(credentials: str, user) -> Client:
    """A client carrying only a session, only a token, or nothing."""
    if credentials == "token":
        _, key = token_create(user=user)
        return Client(headers={"Authorization": f"Token {key}"})
    client = Client()
    if credentials == "session":
        client.force_login(user)
    return client


@pytest.mark.parametrize(
    ("credentials", "channel", "method"),
    [
        pytest.param("session", Channel.FORM, AuthMethod.SESSION, id="form"),
        pytest.param("session", Channel.API, AuthMethod.SESSION, id="api-session"),
        pytest.param("token", Channel.API, AuthMethod.TOKEN, id="api-token"),
        pytest.param("token", Channel.LEGACY, AuthMethod.TOKEN, id="legacy-token"),
        pytest.param("none", Channel.API, AuthMethod.ANONYMOUS, id="api-anonymous"),
        # GET /drug takes no session: a session alone is anonymous there.
        pytest.param(
            "session", Channel.LEGACY, AuthMethod.ANONYMOUS, id="legacy-session"
        ),
    ],
)
def test_each_row_records_who_asked_and_how_they_authenticated(
    credentials, channel, method, ask, user, record, active_model, anonymous_allowed
):
    response = ask(client_with(credentials, user), channel, record)

    assert response.status_code == SUCCESS[channel]
    row = Prediction.objects.get()
    assert row.auth_method == method
    if method == AuthMethod.ANONYMOUS:
        assert (row.user_id, row.username) == (None, "")
    else:
        assert (row.user_id, row.username) == (user.pk, "alice")


def test_a_rejected_request_records_who_sent_it(ask, user, active_model):
    client = client_with("token", user)

    response = client.post(API, {"age": "abc"}, content_type="application/json")

    assert response.status_code == 400
    row = Prediction.objects.get()
    assert (row.outcome, row.username, row.auth_method) == (
        "rejected",
        "alice",
        AuthMethod.TOKEN,
    )


@pytest.mark.parametrize(
    ("authenticator", "method"),
    [
        pytest.param(SessionAuthentication(), AuthMethod.SESSION, id="drf-session"),
        pytest.param(TokenAuthentication(), AuthMethod.TOKEN, id="drf-token"),
        pytest.param(KnoxTokenAuthentication(), AuthMethod.TOKEN, id="knox-token"),
        pytest.param(None, AuthMethod.SESSION, id="django-session"),
    ],
)
def test_the_auth_method_is_told_by_the_authenticators_class(
    authenticator, method, user
):
    request = SimpleNamespace(user=user, successful_authenticator=authenticator)

    assert auth_method_of(request) == method


def exported(admin_client, pk: int) -> dict[str, str]:
    """One row as the admin's CSV export writes it."""
    response = admin_client.post(
        CHANGELIST, {"action": "export_csv", "_selected_action": [pk]}
    )
    assert response.status_code == 200
    body = (
        b"".join(response.streaming_content) if response.streaming else response.content
    )
    header, line = csv.reader(io.StringIO(body.decode()))
    return dict(zip(header, line, strict=True))


def everything_said(pk: int, staff_client, admin_client) -> tuple:
    """What the log, the API and the CSV export say about row `pk`."""
    row = Prediction.objects.get(pk=pk)
    api = staff_client.get(f"{API}{pk}/").json()
    return (
        (row.user_id, row.username, row.auth_method, row.row_hash),
        api,
        exported(admin_client, pk),
    )


def test_renaming_or_deleting_a_user_changes_nothing_a_row_says(
    user, staff_client, admin_client, record, active_model, audit_key
):
    response = client_with("token", user).post(
        API, asdict(record), content_type="application/json"
    )
    pk = response.json()["id"]
    before = everything_said(pk, staff_client, admin_client)
    assert before[1]["user"] == before[2]["username"] == "alice"

    user.username = "mallory"
    user.save()
    assert everything_said(pk, staff_client, admin_client) == before

    user.delete()
    assert everything_said(pk, staff_client, admin_client) == before
    call_command("verify_audit_log", stdout=io.StringIO())
