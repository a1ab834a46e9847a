"""Verifying the log (``verify_audit_log``): rows, checkpoints and their chain.

Every row's columns against its row_hash; every checkpoint against the one
before it, its own hash and its HMAC; every sealed range against the rows present
now (the ids, their count and their hashes in order); rows not yet sealed against
their row_hash. The first thing that does not hold raises ``AuditMismatch``.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime

from predictions.audit.checkpoints import GENESIS, AuditCheckpoint, key_id, mac
from predictions.audit.sealing import AuditMismatch, log_rows, range_line, row_check
from predictions.models import Prediction


@dataclass
class AuditReport:
    """What verification found to hold."""

    rows: int = 0
    checkpoints: int = 0
    sealed_through: int = 0  # the last id sealed
    head: str = GENESIS  # the last checkpoint's hash
    unsealed: int = 0
    oldest_unsealed: datetime | None = None


def audit_log_verify(*, key: bytes) -> AuditReport:
    """Check the whole log; raise AuditMismatch naming the first row that fails."""
    report = AuditReport()
    for checkpoint in AuditCheckpoint.objects.order_by("first_id"):
        checkpoint_check(checkpoint, report, key)
        report.rows += range_check(checkpoint)
        report.checkpoints += 1
        report.sealed_through = checkpoint.last_id
        report.head = checkpoint.checkpoint_hash
    for pk, row_hash, *values in log_rows(report.sealed_through + 1):
        row_check(pk, row_hash, values)
        report.unsealed += 1
    report.rows += report.unsealed
    report.oldest_unsealed = (
        Prediction.objects.filter(id__gt=report.sealed_through)
        .order_by("id")
        .values_list("created_at", flat=True)
        .first()
    )
    return report


def checkpoint_check(
    checkpoint: AuditCheckpoint, report: AuditReport, key: bytes
) -> None:
    """A checkpoint follows the one before, says what it was signed saying, and
    was signed with `key`."""
    if (checkpoint.first_id, checkpoint.previous_hash) != (
        report.sealed_through + 1,
        report.head,
    ):
        raise AuditMismatch(
            f"{checkpoint} does not follow the checkpoint before it: a checkpoint "
            "was removed, inserted or changed"
        )
    if checkpoint.digest() != checkpoint.checkpoint_hash:
        raise AuditMismatch(f"{checkpoint} was changed after it was sealed")
    if checkpoint.key_id != key_id(key):
        raise AuditMismatch(
            f"{checkpoint} was signed with another key (key id {checkpoint.key_id}; "
            f"DRUGSITE_AUDIT_KEY's is {key_id(key)})"
        )
    if not hmac.compare_digest(checkpoint.signature, mac(key, checkpoint.digest())):
        raise AuditMismatch(f"{checkpoint} has a forged signature")


def range_check(checkpoint: AuditCheckpoint) -> int:
    """The rows of a sealed range are the ones sealed, as sealed; their count."""
    expected = ids_sealed(checkpoint)
    digest, count = hashlib.sha256(), 0
    for pk, row_hash, *values in log_rows(checkpoint.first_id, checkpoint.last_id):
        sealed = next(expected, None)
        if sealed is None or pk < sealed:
            raise AuditMismatch(
                f"row {pk}: it was not in {checkpoint} when that was sealed: it was "
                "inserted afterwards"
            )
        if pk > sealed:
            raise missing(sealed, checkpoint)
        row_check(pk, row_hash, values)
        digest.update(range_line(pk, row_hash))
        count += 1
    if (sealed := next(expected, None)) is not None:
        raise missing(sealed, checkpoint)
    if count != checkpoint.row_count or digest.hexdigest() != checkpoint.rows_hash:
        raise AuditMismatch(
            f"{checkpoint}: its rows no longer hash to what was sealed: a row in it "
            "was rewritten together with its row_hash"
        )
    return count


def missing(pk: int, checkpoint: AuditCheckpoint) -> AuditMismatch:
    return AuditMismatch(f"row {pk}: sealed in {checkpoint} but gone: it was deleted")


def ids_sealed(checkpoint: AuditCheckpoint) -> Iterator[int]:
    """The ids a checkpoint sealed: its range without its gaps, in order."""
    pk, gaps = checkpoint.first_id, iter(checkpoint.gaps)
    gap = next(gaps, None)
    while pk <= checkpoint.last_id:
        if gap is not None and pk == gap[0]:
            pk, gap = gap[1] + 1, next(gaps, None)
            continue
        yield pk
        pk += 1
