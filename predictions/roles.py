"""The roles, in one place: each is a group with exactly the permissions it needs.

Read by the data migration (with its historical models), ``grant_role``, the
checks in permissions.py, views.py and selectors.py, and the tests. ``ml`` never
imports ``predictions``, so ml's permissions are named here by string and
ml/admin.py spells its own. Superusers hold every permission without a role.
"""

from dataclasses import dataclass

from django.apps import apps as global_apps

PREDICT = "predictions.predict"
VIEW_EVERY_PREDICTION = "predictions.view_prediction"
VIEW_MODELS = "ml.view_modelversion"
REGISTER_MODELS = "ml.add_modelversion"
ACTIVATE_MODELS = "ml.activate_modelversion"
VIEW_MODEL_CHANGES = "ml.view_modelchange"
RECORD_OUTCOMES = "predictions.add_recordedoutcome"
VIEW_OUTCOMES = "predictions.view_recordedoutcome"
VIEW_DASHBOARD = "predictions.view_dashboard"

#: Permissions no model declares: (app label, model, codename, name).
CUSTOM_PERMISSIONS = (
    ("predictions", "prediction", "predict", "Can ask for predictions"),
    ("ml", "modelversion", "activate_modelversion", "Can activate a model version"),
    ("predictions", "prediction", "view_dashboard", "Can view the dashboard"),
)


@dataclass(frozen=True)
class Role:
    key: str
    group: str
    permissions: tuple[str, ...]
    staff: bool  # works in admin, which lets in only staff accounts
    summary: str


ROLES = (
    Role(
        "prescriber",
        "Prescribers",
        (PREDICT, RECORD_OUTCOMES),
        staff=False,
        summary="the form, the prediction API and GET /drug; their own history "
        "and the outcomes of their own predictions",
    ),
    Role(
        "auditor",
        "Auditors",
        (VIEW_EVERY_PREDICTION, VIEW_OUTCOMES, VIEW_MODEL_CHANGES, VIEW_DASHBOARD),
        staff=True,
        summary="every logged row, in admin (with CSV export) and the API; "
        "outcomes, the model's change history and the dashboard",
    ),
    Role(
        "model_manager",
        "Model managers",
        (
            VIEW_MODELS,
            REGISTER_MODELS,
            ACTIVATE_MODELS,
            VIEW_MODEL_CHANGES,
            VIEW_DASHBOARD,
        ),
        staff=True,
        summary="the model registry in admin and the API: activate, roll back, "
        "candidates and shadows; the change history and the dashboard",
    ),
)


def role_get(name: str) -> Role:
    """The role named by its key or its group's name, in any case."""
    wanted = name.strip().lower().replace("-", "_").replace(" ", "_")
    for role in ROLES:
        if wanted in (role.key, role.group.lower().replace(" ", "_")):
            return role
    known = ", ".join(role.key for role in ROLES)
    raise LookupError(f"No role {name!r}: use one of {known}.")


def roles_sync(*, apps=global_apps, using: str = "default") -> dict:
    """Create the custom permissions and each role's group with exactly its own."""
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    for app_label, model, codename, name in CUSTOM_PERMISSIONS:
        content_type, _ = ContentType.objects.using(using).get_or_create(
            app_label=app_label, model=model
        )
        Permission.objects.using(using).get_or_create(
            content_type=content_type, codename=codename, defaults={"name": name}
        )
    groups = {}
    for role in ROLES:
        group, _ = Group.objects.using(using).get_or_create(name=role.group)
        group.permissions.set(
            [
                permission_get(Permission, ContentType, name, using)
                for name in role.permissions
            ]
        )
        groups[role.key] = group
    return groups


def permission_get(Permission, ContentType, name: str, using: str):
    """A permission by its dotted name; a model's default one is made if the
    model came after the migration that runs this (its post_migrate has not)."""
    app_label, codename = name.split(".")
    found = Permission.objects.using(using).filter(
        content_type__app_label=app_label, codename=codename
    )
    if found:
        return found[0]
    action, model = codename.split("_", 1)
    content_type, _ = ContentType.objects.using(using).get_or_create(
        app_label=app_label, model=model
    )
    return Permission.objects.using(using).create(
        content_type=content_type, codename=codename, name=f"Can {action} {model}"
    )


def role_grant(*, user, role: Role) -> None:
    """Give `user` the role (its group, and the staff flag when it needs admin)."""
    user.groups.add(roles_sync()[role.key])
    if role.staff and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
