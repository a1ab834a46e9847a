"""The roles: their groups and permissions, grant_role, the admin, the migration."""

import io
from importlib import import_module
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from predictions.roles import ROLES, role_get, roles_sync

pytestmark = pytest.mark.django_db

MIGRATION = ("predictions", "0003_roles")


def names(permissions) -> set[str]:
    return {f"{p.content_type.app_label}.{p.codename}" for p in permissions}


def test_each_roles_group_holds_exactly_its_permissions():
    groups = roles_sync()

    for role in ROLES:
        assert groups[role.key].name == role.group
        assert names(groups[role.key].permissions.all()) == set(role.permissions)


def test_syncing_puts_back_what_was_removed_and_takes_away_what_was_added():
    group = roles_sync()["auditor"]
    group.permissions.add(Permission.objects.get(codename="delete_prediction"))
    Permission.objects.filter(codename="predict").delete()

    groups = roles_sync()

    assert names(groups["auditor"].permissions.all()) == {
        "predictions.view_prediction",
        "predictions.view_recordedoutcome",
        "predictions.view_dashboard",
        "ml.view_modelchange",
    }
    assert names(groups["prescriber"].permissions.all()) == {
        "predictions.predict",
        "predictions.add_recordedoutcome",
    }


@pytest.mark.parametrize("name", ["model_manager", "Model managers", "MODEL-MANAGER"])
def test_a_role_is_found_by_its_key_or_its_groups_name(name):
    assert role_get(name).group == "Model managers"


def test_an_unknown_role_names_the_known_ones():
    with pytest.raises(LookupError, match="prescriber, auditor, model_manager"):
        role_get("doctor")


@pytest.mark.parametrize(
    ("role", "permission", "staff"),
    [
        ("prescriber", "predictions.predict", False),
        ("auditor", "predictions.view_prediction", True),
        ("model_manager", "ml.activate_modelversion", True),
    ],
)
def test_grant_role_gives_the_roles_permissions_and_staff_status_for_admin(
    role, permission, staff, django_user_model
):
    django_user_model.objects.create_user("nora")
    out = io.StringIO()

    call_command("grant_role", "nora", role, stdout=out)

    nora = django_user_model.objects.get(username="nora")
    assert nora.has_perm(permission)
    assert nora.is_staff is staff
    assert f"nora is now in {role_get(role).group}" in out.getvalue()


@pytest.mark.parametrize(
    ("args", "message"),
    [(["nobody", "auditor"], "No account 'nobody'"), (["nora", "doctor"], "No role")],
)
def test_grant_role_refuses_unknown_accounts_and_roles(
    args, message, django_user_model
):
    django_user_model.objects.create_user("nora")

    with pytest.raises(CommandError, match=message):
        call_command("grant_role", *args, stdout=io.StringIO())


def test_superusers_hold_every_roles_permissions_without_a_role(admin_user):
    roles_sync()

    for role in ROLES:
        assert admin_user.has_perms(role.permissions)
    assert not admin_user.groups.exists()


def test_the_user_admin_gives_a_role(admin_client, django_user_model):
    nora = django_user_model.objects.create_user("nora")
    auditors = roles_sync()["auditor"]

    response = admin_client.post(
        f"/admin/auth/user/{nora.pk}/change/",
        {
            "username": "nora",
            "is_active": "on",
            "is_staff": "on",
            "groups": [auditors.pk],
            "date_joined_0": "2026-01-01",
            "date_joined_1": "00:00:00",
            "_save": "Save",
        },
    )

    assert response.status_code == 302
    nora = django_user_model.objects.get(pk=nora.pk)
    assert nora.has_perm("predictions.view_prediction")
    assert not nora.has_perm("predictions.predict")


def test_the_form_is_a_403_page_for_a_signed_in_account_without_the_role(
    client, django_user_model
):
    client.force_login(django_user_model.objects.create_user("nora"))

    response = client.get("/")

    assert response.status_code == 403
    assert "does not have the role" in response.content.decode()


def migration():
    return import_module("predictions.migrations.0003_roles")


def historical_apps():
    return MigrationLoader(connection).project_state(MIGRATION).apps


def test_the_migration_makes_existing_accounts_prescribers_but_not_superusers(
    django_user_model, admin_user
):
    Group.objects.all().delete()
    nora = django_user_model.objects.create_user("nora")
    sam = django_user_model.objects.create_user("sam", is_staff=True)
    editor = SimpleNamespace(connection=connection)

    migration().create_roles(historical_apps(), editor)

    prescribers = set(Group.objects.get(name="Prescribers").user_set.all())
    assert prescribers == {nora, sam}
    assert set(Group.objects.values_list("name", flat=True)) == {
        role.group for role in ROLES
    }


def test_the_migration_drops_the_old_plaintext_token_table():
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY)")
        cursor.execute("INSERT INTO authtoken_token VALUES ('0123456789abcdef')")
        editor = SimpleNamespace(connection=connection, execute=cursor.execute)

        migration().drop_plaintext_tokens(historical_apps(), editor)

    assert "authtoken_token" not in connection.introspection.table_names()
