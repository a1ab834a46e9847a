"""Checkpoints: each seals a contiguous id range of the log, chained and keyed.

Like a Certificate Transparency signed tree head: a checkpoint records how many
rows its range held, a hash over their ids and row hashes in order, the ids that
were absent, and the previous checkpoint's hash; its own hash carries an HMAC made
with DRUGSITE_AUDIT_KEY, so whoever holds only the database cannot forge one.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.db import models
from django.utils import timezone

from predictions.audit.canonical import canonical_json, utc_text

GENESIS = "0" * 64  # the "previous hash" of the first checkpoint
KEY_ID_MESSAGE = b"drugsite audit key id"


class AuditKeyMissing(RuntimeError):
    """No key to sign or check checkpoints with."""


class AuditCheckpoint(models.Model):
    """A seal over the log's rows with ids first_id..last_id; append-only too."""

    created_at = models.DateTimeField(default=timezone.now, editable=False)
    first_id = models.BigIntegerField(
        unique=True, help_text="First id of the range: the previous last_id + 1."
    )
    last_id = models.BigIntegerField(unique=True, help_text="The newest row sealed.")
    row_count = models.PositiveIntegerField(help_text="Rows in the range when sealed.")
    gaps = models.JSONField(
        default=list, help_text="Ids absent when sealed: [first, last] pairs."
    )
    rows_hash = models.CharField(
        max_length=64, help_text="SHA-256 of 'id:row_hash\\n' per row, in id order."
    )
    previous_hash = models.CharField(max_length=64)
    checkpoint_hash = models.CharField(max_length=64, unique=True)
    key_id = models.CharField(max_length=16, help_text="Which key signed it.")
    signature = models.CharField(
        max_length=64, help_text="HMAC-SHA256 of checkpoint_hash with the key."
    )

    class Meta:
        app_label = "predictions"
        ordering = ("-last_id",)

    def __str__(self) -> str:
        return f"checkpoint {self.pk}: ids {self.first_id}-{self.last_id}"

    def digest(self) -> str:
        """The hash of everything this checkpoint says, the previous hash included."""
        fields = {
            "created_at": utc_text(self.created_at),
            "first_id": self.first_id,
            "last_id": self.last_id,
            "row_count": self.row_count,
            "gaps": self.gaps,
            "rows_hash": self.rows_hash,
            "previous_hash": self.previous_hash,
            "key_id": self.key_id,
        }
        return hashlib.sha256(canonical_json(fields).encode("ascii")).hexdigest()

    def sign(self, key: bytes) -> None:
        """Set the checkpoint's hash, key id and signature."""
        self.key_id = key_id(key)
        self.checkpoint_hash = self.digest()
        self.signature = mac(key, self.checkpoint_hash)


def audit_key() -> bytes:
    """The checkpoints' HMAC key, from settings."""
    if not settings.DRUGSITE_AUDIT_KEY:
        raise AuditKeyMissing(
            "DRUGSITE_AUDIT_KEY is not set: checkpoints cannot be signed or checked. "
            "Set it where seal_audit_log and verify_audit_log run (docs/audit.md)."
        )
    return settings.DRUGSITE_AUDIT_KEY.encode()


def key_id(key: bytes) -> str:
    """A name for a key that reveals nothing of it."""
    return hmac.new(key, KEY_ID_MESSAGE, hashlib.sha256).hexdigest()[:16]


def mac(key: bytes, checkpoint_hash: str) -> str:
    return hmac.new(key, checkpoint_hash.encode("ascii"), hashlib.sha256).hexdigest()


def checkpoint_signed(checkpoint: AuditCheckpoint, key: bytes) -> bool:
    """The checkpoint says what it was signed saying, and `key` signed it."""
    return checkpoint.digest() == checkpoint.checkpoint_hash and hmac.compare_digest(
        checkpoint.signature, mac(key, checkpoint.checkpoint_hash)
    )
