"""`create_token USER [--expiry-hours N]`: the key, alone on stdout, shown once."""

import io
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from knox.models import AuthToken

pytestmark = pytest.mark.django_db


def test_create_token_prints_the_key_alone_and_it_works(user, token_works):
    out, err = io.StringIO(), io.StringIO()

    call_command("create_token", "alice", "--expiry-hours", "3", stdout=out, stderr=err)

    key = out.getvalue().strip()
    assert len(key) == 64
    assert token_works(key)
    expiry = AuthToken.objects.get(user=user).expiry
    assert abs(expiry - timezone.now() - timedelta(hours=3)) < timedelta(minutes=1)
    assert "Expires" in err.getvalue()


def test_create_token_lasts_the_configured_hours_by_default(user, settings):
    settings.DRUGSITE_TOKEN_TTL_HOURS = 5

    call_command("create_token", "alice", stdout=io.StringIO(), stderr=io.StringIO())

    expiry = AuthToken.objects.get(user=user).expiry
    assert abs(expiry - timezone.now() - timedelta(hours=5)) < timedelta(minutes=1)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nobody"], "No account 'nobody'"),
        (["alice", "--expiry-hours", "0"], "more than 0"),
    ],
)
def test_create_token_refuses_what_it_cannot_do(args, message, user):
    with pytest.raises(CommandError, match=message):
        call_command("create_token", *args, stdout=io.StringIO())


def test_create_token_refuses_an_inactive_account(user):
    user.is_active = False
    user.save()

    with pytest.raises(CommandError, match="inactive"):
        call_command("create_token", "alice", stdout=io.StringIO())
