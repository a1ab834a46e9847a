"""seal_audit_log and verify_audit_log: a log changed behind the app's back (its
triggers dropped) fails verification, naming the first row that changed."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from predictions.audit.checkpoints import mac
from predictions.audit.sealing import hasher, log_rows
from predictions.models import AuditCheckpoint, Prediction


def seal(**options) -> str:
    out = io.StringIO()
    call_command("seal_audit_log", stdout=out, **{"grace": 0, **options})
    return out.getvalue()


def verify() -> str:
    out = io.StringIO()
    call_command("verify_audit_log", stdout=out)
    return out.getvalue()


def verify_fails() -> str:
    """Verification's error message; the command exits with status 1."""
    with pytest.raises(CommandError) as failed:
        verify()
    assert failed.value.returncode == 1
    return str(failed.value)


def execute(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def rehash(pk: int) -> None:
    """Give a changed row the hash of what it holds now, as a forger would."""
    ((_, _, *values),) = log_rows(pk, pk)
    execute(
        "UPDATE predictions_prediction SET row_hash = %s WHERE id = %s",
        [hasher().of_values(values), pk],
    )


def test_an_untouched_log_verifies_with_its_count(audit_log):
    out = verify()

    assert "The audit log verifies: 4 rows." in out
    assert "in 1 checkpoint(s)" in out
    assert "Not yet sealed: 1 rows" in out


def test_a_changed_row_is_named(audit_log, no_triggers):
    row = audit_log["answered"]
    execute("UPDATE predictions_prediction SET drug = 'drugX' WHERE id = %s", [row.pk])

    assert f"row {row.pk}: its columns no longer match its row_hash" in verify_fails()


def test_a_changed_username_is_named(audit_log, no_triggers):
    row = audit_log["after_gap"]
    execute(
        "UPDATE predictions_prediction SET username = 'bob' WHERE id = %s", [row.pk]
    )

    assert f"row {row.pk}: its columns no longer match" in verify_fails()


def test_a_deleted_row_is_named(audit_log, no_triggers):
    row = audit_log["rejected"]
    execute("DELETE FROM predictions_prediction WHERE id = %s", [row.pk])

    message = verify_fails()

    assert f"row {row.pk}: sealed in checkpoint" in message
    assert "it was deleted" in message


def test_a_row_inserted_with_a_forged_id_in_a_sealed_range_is_named(
    audit_log, no_triggers
):
    forged = audit_log["rejected"].pk + 2  # inside the gap the checkpoint recorded
    columns = ", ".join(
        field.column
        for field in Prediction._meta.concrete_fields
        if field.column != "id"
    )
    execute(
        f"INSERT INTO predictions_prediction (id, {columns}) "
        f"SELECT %s, {columns} FROM predictions_prediction WHERE id = %s",
        [forged, audit_log["answered"].pk],
    )

    message = verify_fails()

    assert f"row {forged}: it was not in checkpoint" in message
    assert "inserted afterwards" in message


def test_the_first_of_several_bad_rows_is_named(audit_log, no_triggers):
    first, later = audit_log["answered"], audit_log["after_gap"]
    execute("UPDATE predictions_prediction SET age = 99 WHERE id = %s", [later.pk])
    execute("DELETE FROM predictions_prediction WHERE id = %s", [first.pk])

    assert verify_fails().startswith(f"The audit log does not verify: row {first.pk}:")


def test_a_row_rewritten_with_its_hash_recomputed_is_caught_by_its_checkpoint(
    audit_log, no_triggers
):
    row = audit_log["answered"]
    execute("UPDATE predictions_prediction SET drug = 'drugX' WHERE id = %s", [row.pk])
    rehash(row.pk)

    message = verify_fails()

    assert "checkpoint" in message
    assert "its rows no longer hash to what was sealed" in message


def test_a_checkpoint_changed_after_sealing_is_caught(audit_log, no_triggers):
    execute("UPDATE predictions_auditcheckpoint SET row_count = row_count + 1")

    assert "was changed after it was sealed" in verify_fails()


def test_a_checkpoint_resealed_without_the_key_is_caught(audit_log, no_triggers):
    row = audit_log["answered"]
    execute("UPDATE predictions_prediction SET drug = 'drugX' WHERE id = %s", [row.pk])
    rehash(row.pk)
    execute("DELETE FROM predictions_auditcheckpoint")
    seal()  # what a forger can do: a checkpoint over the forged rows...
    checkpoint = AuditCheckpoint.objects.get()
    execute(  # ...signed with another key, relabelled as the real one's
        "UPDATE predictions_auditcheckpoint SET signature = %s, key_id = %s",
        [mac(b"a guess", checkpoint.checkpoint_hash), checkpoint.key_id],
    )

    assert "has a forged signature" in verify_fails()


def test_a_removed_checkpoint_breaks_the_chain(audit_log, no_triggers):
    seal()
    first = AuditCheckpoint.objects.order_by("first_id").first()
    execute("DELETE FROM predictions_auditcheckpoint WHERE id = %s", [first.pk])

    assert "does not follow the checkpoint before it" in verify_fails()


def test_a_changed_row_not_yet_sealed_is_named(audit_log, no_triggers):
    row = audit_log["unsealed"]
    execute("UPDATE predictions_prediction SET drug = 'drugX' WHERE id = %s", [row.pk])

    assert f"row {row.pk}: its columns no longer match" in verify_fails()


def test_an_intact_log_without_its_triggers_fails_verification(audit_log, no_triggers):
    message = verify_fails()

    assert "append-only triggers are missing or disabled" in message
    assert "predictions_prediction" in message


def test_checkpoints_signed_with_another_key_are_named(audit_log, settings):
    settings.DRUGSITE_AUDIT_KEY = "another-key"

    assert "was signed with another key" in verify_fails()


def test_verifying_needs_the_key(audit_log, settings):
    settings.DRUGSITE_AUDIT_KEY = ""

    assert "DRUGSITE_AUDIT_KEY is not set" in verify_fails()


def test_sealing_leaves_rows_younger_than_the_grace_period(logged, audit_key):
    logged()

    out = seal(grace=60)

    assert "Nothing to seal" in out
    assert not AuditCheckpoint.objects.exists()


def test_sealing_records_the_gap_and_chains_checkpoints(audit_log):
    first = AuditCheckpoint.objects.get()
    gap = audit_log["rejected"].pk + 1

    seal()

    second = AuditCheckpoint.objects.order_by("-last_id").first()
    assert [gap, gap + 2] in first.gaps
    assert (first.row_count, second.row_count) == (3, 1)
    assert second.first_id == first.last_id + 1
    assert second.previous_hash == first.checkpoint_hash
    assert second.last_id == audit_log["unsealed"].pk
    assert "verifies: 4 rows" in verify()


def test_sealing_splits_a_long_log_into_checkpoints(logged, audit_key):
    for _ in range(5):
        logged()

    out = seal(max_rows=2)

    assert out.count("Sealed ids") == 3
    counts = AuditCheckpoint.objects.order_by("first_id").values_list("row_count")
    assert [count for (count,) in counts] == [2, 2, 1]
    assert "verifies: 5 rows" in verify()


def test_sealing_refuses_a_row_that_no_longer_matches(logged, no_triggers, audit_key):
    row = logged()
    execute("UPDATE predictions_prediction SET drug = 'drugX' WHERE id = %s", [row.pk])

    with pytest.raises(CommandError, match=f"row {row.pk}: its columns no longer"):
        seal()
    assert not AuditCheckpoint.objects.exists()


def test_sealing_needs_the_key(logged, settings):
    settings.DRUGSITE_AUDIT_KEY = ""
    logged()

    with pytest.raises(CommandError, match="DRUGSITE_AUDIT_KEY is not set"):
        seal()
