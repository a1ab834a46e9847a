"""Sealing the log: checkpoints over settled rows, made by ``seal_audit_log``.

Nothing here touches the write path: it reads rows older than the grace period,
so no insert waits for it and no transaction still open can add a row to a range
it sealed (docs/audit.md).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from predictions.audit.checkpoints import GENESIS, AuditCheckpoint, checkpoint_signed
from predictions.audit.rowhash import RowHasher, row_hasher
from predictions.models import Prediction

MAX_ROWS = 100_000  # rows per checkpoint: a failed check names a range this size
CHUNK = 2_000  # rows fetched at a time


class AuditMismatch(Exception):
    """The log no longer holds what was written; the message names where."""


class SealConflict(RuntimeError):
    """Another sealer wrote the same checkpoint first."""


def hasher() -> RowHasher:
    return row_hasher(Prediction)


def log_rows(first: int, last: int | None = None, *, limit: int | None = None):
    """``(id, row_hash, *hashed columns)`` of the rows from id `first`, in order."""
    rows = Prediction.objects.filter(id__gte=first).order_by("id")
    if last is not None:
        rows = rows.filter(id__lte=last)
    rows = rows.values_list("id", "row_hash", *hasher().attnames)
    return (rows[:limit] if limit else rows).iterator(chunk_size=CHUNK)


def row_check(pk: int, row_hash: str, values: list) -> None:
    """Raise when a row's columns no longer hash to the row_hash written with it."""
    if hasher().of_values(values) != row_hash:
        raise AuditMismatch(
            f"row {pk}: its columns no longer match its row_hash: it was changed "
            "after it was written"
        )


def range_line(pk: int, row_hash: str) -> bytes:
    """One row's line in a checkpoint's rows_hash."""
    return f"{pk}:{row_hash}\n".encode("ascii")


def audit_log_seal(
    *, key: bytes, grace_seconds: float, max_rows: int = MAX_ROWS
) -> list[AuditCheckpoint]:
    """Seal every row older than the grace period, in checkpoints of `max_rows`."""
    cutoff = timezone.now() - timedelta(seconds=grace_seconds)
    sealed = []
    while checkpoint := checkpoint_next(key=key, cutoff=cutoff, max_rows=max_rows):
        sealed.append(checkpoint)
    return sealed


def checkpoint_next(
    *, key: bytes, cutoff: datetime, max_rows: int
) -> AuditCheckpoint | None:
    """The next checkpoint, written; None when no settled row is left to seal."""
    head = AuditCheckpoint.objects.order_by("-last_id").first()
    if head is not None and not checkpoint_signed(head, key):
        raise AuditMismatch(f"{head} is not signed by this key: run verify_audit_log")
    first = head.last_id + 1 if head else 1
    settled = Prediction.objects.filter(id__gte=first, created_at__lt=cutoff)
    last = settled.aggregate(last=Max("id"))["last"]
    if last is None:
        return None
    checkpoint = AuditCheckpoint(
        first_id=first, previous_hash=head.checkpoint_hash if head else GENESIS
    )
    range_fill(checkpoint, log_rows(first, last, limit=max_rows))
    checkpoint.sign(key)
    try:
        with transaction.atomic():
            checkpoint.save(force_insert=True)
    except IntegrityError as exc:
        raise SealConflict(
            f"Another seal_audit_log sealed ids from {first} at the same time; "
            "nothing was written. Run it again."
        ) from exc
    return checkpoint


def range_fill(checkpoint: AuditCheckpoint, rows: Iterator) -> None:
    """Set a new checkpoint's last id, count, gaps and rows_hash from its rows."""
    digest, count, gaps, expected = hashlib.sha256(), 0, [], checkpoint.first_id
    for pk, row_hash, *values in rows:
        row_check(pk, row_hash, values)
        if pk > expected:
            gaps.append([expected, pk - 1])
        digest.update(range_line(pk, row_hash))
        count, expected = count + 1, pk + 1
    checkpoint.last_id, checkpoint.row_count = expected - 1, count
    checkpoint.gaps, checkpoint.rows_hash = gaps, digest.hexdigest()
