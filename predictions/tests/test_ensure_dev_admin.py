"""ensure_dev_admin: a local admin on a fresh development database, once."""

import io
import re

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def run(**options) -> str:
    out = io.StringIO()
    call_command("ensure_dev_admin", stdout=out, **options)
    return out.getvalue()


def test_ensure_dev_admin_creates_one_superuser_and_prints_its_password(
    settings, django_user_model
):
    settings.DEBUG = True

    output = run()

    admin = django_user_model.objects.get()
    assert admin.username == "admin"
    assert admin.is_superuser
    assert admin.is_staff
    password = re.search(r"password '([^']+)'", output).group(1)
    assert admin.check_password(password)


def test_ensure_dev_admin_takes_the_username_option(settings, django_user_model):
    settings.DEBUG = True

    run(username="root")

    assert django_user_model.objects.get().username == "root"


def test_ensure_dev_admin_does_nothing_when_users_exist(
    settings, django_user_model, user
):
    settings.DEBUG = True

    output = run()

    assert list(django_user_model.objects.all()) == [user]
    assert "password" not in output
    assert "Users exist already" in output


def test_ensure_dev_admin_refuses_to_run_with_debug_off(settings, django_user_model):
    settings.DEBUG = False

    with pytest.raises(CommandError, match="DEBUG"):
        run()

    assert not django_user_model.objects.exists()
