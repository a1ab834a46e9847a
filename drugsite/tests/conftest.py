"""Fixtures of the whole-site tests: one account and one client per role."""

import pytest
from django.test import Client

from ml.reference import EXAMPLES
from predictions.models import AuthMethod, Channel, Prediction
from predictions.origin import Origin
from predictions.roles import role_get, role_grant
from predictions.services import prediction_create
from predictions.tokens import token_create

#: Every kind of caller: no account, an account without a role, each role of
#: predictions.roles, and a superuser.
ROLES = ("anonymous", "no_role", "prescriber", "auditor", "model_manager", "superuser")


@pytest.fixture
def people(django_user_model) -> dict:
    """One account per role but anonymous; the prescriber is alice."""
    make = django_user_model.objects.create_user
    names = {"no_role": "nora", "prescriber": "alice", "auditor": "carol"}
    names["model_manager"] = "mona"
    result = {role: make(name) for role, name in names.items()}
    for role in ("prescriber", "auditor", "model_manager"):
        role_grant(user=result[role], role=role_get(role))
    result["superuser"] = django_user_model.objects.create_superuser("root")
    return result


@pytest.fixture
def clients(people) -> dict[str, Client]:
    """One client per role, carrying its account's session and API token."""
    result = {"anonymous": Client(raise_request_exception=False)}
    for role, person in people.items():
        _, key = token_create(user=person)
        result[role] = Client(
            raise_request_exception=False, headers={"Authorization": f"Token {key}"}
        )
        result[role].force_login(person)
    return result


@pytest.fixture
def rows(active_model, people, django_user_model) -> dict[str, Prediction]:
    """One answered row of alice's (the prescriber), and one of another's."""
    bob = django_user_model.objects.create_user("bob")
    return {
        name: prediction_create(
            records=[EXAMPLES[0][0]],
            channel=Channel.API,
            origin=Origin.of(user=owner, auth_method=AuthMethod.TOKEN, request_id=name),
        )[0]
        for name, owner in (("mine", people["prescriber"]), ("theirs", bob))
    }
