"""ml.admin: a read-only registry whose only change is activation."""

import pytest
from django.urls import reverse

from ml.models import ModelVersion
from ml.registry import model_version_activate, model_version_register

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:ml_modelversion_changelist"


@pytest.fixture
def versions(model_folder, other_folder) -> tuple[ModelVersion, ModelVersion]:
    """Two registered versions, the first one active."""
    a = model_version_register(folder=model_folder, trained_by="tests")
    b = model_version_register(folder=other_folder, trained_by="tests")
    model_version_activate(version=a.version, reason="tests")
    return a, b


def activate(admin_client, *rows):
    return admin_client.post(
        reverse(CHANGELIST),
        {
            "action": "activate",
            "_selected_action": [row.pk for row in rows],
            "reason": "tests",
            "apply": "yes",
        },
        follow=True,
    )


def test_changelist_shows_the_versions(admin_client, versions):
    response = admin_client.get(reverse(CHANGELIST))
    assert response.status_code == 200
    assert all(row.version in response.text for row in versions)


def test_adding_a_version_by_hand_is_forbidden(admin_client):
    assert admin_client.get(reverse("admin:ml_modelversion_add")).status_code == 403


def test_deleting_a_version_is_forbidden(admin_client, versions):
    url = reverse("admin:ml_modelversion_delete", args=[versions[1].pk])
    assert admin_client.get(url).status_code == 403
    assert ModelVersion.objects.count() == 2


def test_activate_action_activates_the_selected_version(admin_client, versions):
    _, b = versions
    response = activate(admin_client, b)
    assert f"Model {b.version} is now active." in response.text
    assert list(ModelVersion.objects.filter(is_active=True)) == [b]


def test_activate_action_refuses_several_versions(admin_client, versions):
    a, b = versions
    response = activate(admin_client, a, b)
    assert "Select exactly one version to activate." in response.text
    assert list(ModelVersion.objects.filter(is_active=True)) == [a]


def test_activate_action_refuses_a_tampered_version(admin_client, versions, tamper):
    a, b = versions
    tamper(b.path)
    response = activate(admin_client, b)
    assert "does not match its registered sha256" in response.text
    assert list(ModelVersion.objects.filter(is_active=True)) == [a]
