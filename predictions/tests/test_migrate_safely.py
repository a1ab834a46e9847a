"""`migrate_safely` migrates under a lock that it always releases."""

import io

import pytest
from django.core.management import call_command
from django.db import connection

from predictions.management.commands.migrate_safely import LOCK_ID


@pytest.mark.django_db
def test_migrate_safely_migrates_and_releases_its_lock():
    out = io.StringIO()
    call_command("migrate_safely", "--no-input", stdout=out)
    assert "No migrations to apply" in out.getvalue()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                "AND objid = %s",
                [LOCK_ID],
            )
            assert cursor.fetchone()[0] == 0
            # Free again: another host could take it now.
            cursor.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_ID])
            assert cursor.fetchone()[0] is True
            cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])
