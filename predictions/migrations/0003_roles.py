"""The roles of predictions.roles as groups with their permissions.

Existing accounts that are not superusers become Prescribers, so that everyone
who could ask for predictions before still can; nobody becomes an Auditor or a
Model manager without being given the role. DRF's old plaintext token table
(rest_framework.authtoken, replaced by knox) is dropped: its keys no longer work.
"""

from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations

from predictions.roles import ROLES, roles_sync


def create_roles(apps, schema_editor):
    using = schema_editor.connection.alias
    # Permissions are normally made after migrate (post_migrate): make them now.
    for label in ("auth", "ml", "predictions"):
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, verbosity=0, using=using, apps=apps)
        app_config.models_module = None
    groups = roles_sync(apps=apps, using=using)
    User = apps.get_model(settings.AUTH_USER_MODEL)
    Membership = User.groups.through
    Membership.objects.using(using).bulk_create(
        [
            Membership(user_id=pk, group_id=groups["prescriber"].pk)
            for pk in User.objects.using(using)
            .filter(is_superuser=False)
            .values_list("pk", flat=True)
        ],
        ignore_conflicts=True,
    )


def remove_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    names = [role.group for role in ROLES]
    Group.objects.using(schema_editor.connection.alias).filter(name__in=names).delete()


def drop_plaintext_tokens(apps, schema_editor):
    connection = schema_editor.connection
    if "authtoken_token" in connection.introspection.table_names():
        schema_editor.execute("DROP TABLE authtoken_token")
        schema_editor.execute("DELETE FROM django_migrations WHERE app = 'authtoken'")


class Migration(migrations.Migration):
    dependencies = [
        ("predictions", "0002_feature_column_names"),
        ("ml", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(create_roles, remove_roles),
        migrations.RunPython(drop_plaintext_tokens, migrations.RunPython.noop),
    ]
