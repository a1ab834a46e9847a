import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from predictions.audit.checkpoints import AuditKeyMissing, audit_key
from predictions.audit.sealing import (
    MAX_ROWS,
    AuditMismatch,
    SealConflict,
    audit_log_seal,
)

logger = logging.getLogger("drugsite.audit")


class Command(BaseCommand):
    help = (
        "Seal the audit log's rows older than the grace period into signed, chained "
        "checkpoints. Run it every few minutes (cron, a systemd timer)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--grace",
            type=float,
            default=None,
            help="Seconds a row must be old to be sealed "
            "(default: DRUGSITE_AUDIT_GRACE_SECONDS).",
        )
        parser.add_argument(
            "--max-rows", type=int, default=MAX_ROWS, help="Rows per checkpoint."
        )

    def handle(self, *args, grace, max_rows, **options):
        grace = settings.DRUGSITE_AUDIT_GRACE_SECONDS if grace is None else grace
        if grace < 0 or max_rows < 1:
            raise CommandError("--grace must be >= 0 and --max-rows >= 1.")
        try:
            sealed = audit_log_seal(
                key=audit_key(), grace_seconds=grace, max_rows=max_rows
            )
        except (AuditKeyMissing, AuditMismatch, SealConflict) as exc:
            raise CommandError(str(exc)) from exc
        if not sealed:
            self.stdout.write(f"Nothing to seal: no unsealed row older than {grace}s.")
        for checkpoint in sealed:
            self.stdout.write(
                f"Sealed ids {checkpoint.first_id}-{checkpoint.last_id} "
                f"({checkpoint.row_count} rows) as checkpoint {checkpoint.pk}: "
                f"{checkpoint.checkpoint_hash}"
            )
            # Off the database: a copy of each head to compare verify's against.
            logger.info(
                "audit log sealed",
                extra={
                    "checkpoint": checkpoint.pk,
                    "last_id": checkpoint.last_id,
                    "checkpoint_hash": checkpoint.checkpoint_hash,
                },
            )
