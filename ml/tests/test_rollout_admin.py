"""ml.admin: each change of what serves asks why on a page of its own, then is
made and recorded; the history is read-only for everyone."""

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client
from django.urls import reverse

from ml.models import ModelChange, ModelVersion, Rollout
from ml.registry import (
    model_version_activate,
    model_version_register,
    model_version_rollout,
)

pytestmark = pytest.mark.django_db

VERSIONS = reverse("admin:ml_modelversion_changelist")
CHANGES = reverse("admin:ml_modelchange_changelist")


@pytest.fixture
def versions(model_folder, other_folder) -> tuple[ModelVersion, ModelVersion]:
    """Two registered versions, the first one active."""
    a = model_version_register(folder=model_folder, trained_by="tests")
    b = model_version_register(folder=other_folder, trained_by="tests")
    model_version_activate(version=a.version, reason="first")
    return a, b


def act(client: Client, action: str, rows, **form):
    """Choose an admin action for `rows`; with `form`, answer its page too."""
    data = {"action": action, "_selected_action": [row.pk for row in rows]}
    if form:
        data.update(form, apply="yes")
    return client.post(VERSIONS, data, follow=True)


def messages_of(response) -> list[str]:
    return [m.message for m in response.context["messages"]]


def test_activate_asks_why_before_changing_anything(admin_client, versions):
    a, b = versions
    page = act(admin_client, "activate", [b])
    assert page.status_code == 200
    assert "model_change.html" in [t.name.split("/")[-1] for t in page.templates]
    assert f"Activate: {b.version}" in page.text
    assert 'name="reason"' in page.text
    assert ModelVersion.objects.active() == a


def test_activate_with_a_blank_reason_asks_again(admin_client, versions):
    a, b = versions
    page = act(admin_client, "activate", [b], reason="   ")
    assert "This field is required." in page.text
    assert ModelVersion.objects.active() == a
    assert ModelChange.objects.count() == 1


def test_activate_with_a_reason_activates_and_records_who(admin_client, versions):
    a, b = versions
    response = act(admin_client, "activate", [b], reason="better drugC recall")
    assert f"Model {b.version} is now active." in messages_of(response)
    change = ModelChange.objects.first()
    assert (change.version, change.previous, change.reason) == (
        b,
        a,
        "better drugC recall",
    )
    assert change.username == "admin"


def test_roll_back_is_one_action_on_the_active_version(admin_client, versions):
    a, b = versions
    act(admin_client, "activate", [b], reason="try")

    response = act(admin_client, "rollback", [b], reason="b is worse")

    assert f"Rolled back from {b.version} to {a.version}." in messages_of(response)
    assert ModelVersion.objects.active() == a
    assert ModelChange.objects.first().action == ModelChange.Action.ROLLBACK


def test_roll_back_refuses_a_selection_other_than_the_active_version(
    admin_client, versions
):
    response = act(admin_client, "rollback", [versions[1]], reason="r")
    assert "Select the active version to roll it back." in messages_of(response)
    assert ModelVersion.objects.active() == versions[0]


def test_roll_back_without_an_earlier_version_says_so(admin_client, versions):
    response = act(admin_client, "rollback", [versions[0]], reason="r")
    assert any("No earlier version" in m for m in messages_of(response))


def test_make_candidate_asks_for_the_share(admin_client, versions):
    b = versions[1]
    page = act(admin_client, "make_candidate", [b], reason="try", traffic_percent=101)
    assert "less than or equal to 100" in page.text
    assert ModelVersion.objects.get(pk=b.pk).rollout == Rollout.NONE

    response = act(
        admin_client, "make_candidate", [b], reason="try", traffic_percent=10
    )
    assert f"Model {b.version} is now the candidate at 10 %." in messages_of(response)
    listing = admin_client.get(VERSIONS).text
    assert "the candidate at 10 %" in listing


def test_shadow_then_retire(admin_client, versions):
    b = versions[1]
    act(admin_client, "shadow", [b], reason="compare quietly")
    assert "in shadow" in admin_client.get(VERSIONS).text
    response = act(admin_client, "retire", [b], reason="seen enough")
    assert f"Model {b.version} is now out of rollout." in messages_of(response)
    actions = list(ModelChange.objects.values_list("action", flat=True))
    assert actions[:2] == ["retire", "shadow"]


def test_a_refused_change_is_an_error_message(admin_client, versions):
    response = act(admin_client, "shadow", [versions[0]], reason="r")
    assert any("is the active version" in m for m in messages_of(response))


def test_the_change_actions_need_the_activate_permission(versions):
    viewer = User.objects.create_user("vic", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_modelversion"))
    client = Client()
    client.force_login(viewer)
    page = client.get(VERSIONS)
    offered = page.context["action_form"]
    assert offered is None or not (
        {"activate", "rollback", "make_candidate", "shadow", "retire"}
        & set(dict(offered.fields["action"].choices))
    )
    act(client, "shadow", [versions[1]], reason="r")
    assert ModelVersion.objects.get(pk=versions[1].pk).rollout == Rollout.NONE


def test_the_history_is_listed_and_never_editable(admin_client, versions):
    model_version_rollout(
        version=versions[1].version, mode="candidate", traffic_percent=5, reason="5 %"
    )
    listing = admin_client.get(CHANGES)
    assert listing.status_code == 200
    assert "5 %" in listing.text
    change = ModelChange.objects.first()
    url = reverse("admin:ml_modelchange_change", args=[change.pk])
    assert admin_client.get(url).status_code == 200  # read-only view
    assert admin_client.post(url, {"reason": "rewritten"}).status_code == 403
    delete = reverse("admin:ml_modelchange_delete", args=[change.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert admin_client.get(reverse("admin:ml_modelchange_add")).status_code == 403
    assert ModelChange.objects.get(pk=change.pk).reason == "5 %"


def test_the_history_is_open_to_its_view_permission_only(versions):
    reader = User.objects.create_user("ada", is_staff=True)
    client = Client()
    client.force_login(reader)
    assert client.get(CHANGES).status_code == 403
    reader.user_permissions.add(Permission.objects.get(codename="view_modelchange"))
    assert client.get(CHANGES).status_code == 200
