from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from predictions.audit.checkpoints import AuditKeyMissing, audit_key
from predictions.audit.sealing import AuditMismatch
from predictions.audit.triggers import triggers_missing
from predictions.audit.verification import AuditReport, audit_log_verify


class Command(BaseCommand):
    help = (
        "Check every audit log row, checkpoint and signature; exit 1 naming the "
        "first row that no longer holds what was written."
    )

    def handle(self, *args, **options):
        try:
            report = audit_log_verify(key=audit_key())
        except AuditKeyMissing as exc:
            raise CommandError(str(exc)) from exc
        except AuditMismatch as exc:
            raise CommandError(f"The audit log does not verify: {exc}.") from exc
        missing = triggers_missing(connection)
        if missing:
            raise CommandError(
                f"The audit log's rows verify, but its append-only triggers are "
                f"missing or disabled ({', '.join(missing)}): it can be changed. "
                "`manage.py migrate` puts them back."
            )
        self.stdout.write(self.style.SUCCESS(summary(report)))


def summary(report: AuditReport) -> str:
    """What holds, in a few lines."""
    lines = [f"The audit log verifies: {report.rows} rows."]
    if report.checkpoints:
        lines.append(
            f"Sealed: ids 1-{report.sealed_through} in {report.checkpoints} "
            f"checkpoint(s); head {report.head}."
        )
    if report.unsealed:
        lines.append(
            f"Not yet sealed: {report.unsealed} rows after id "
            f"{report.sealed_through}, the oldest from "
            f"{report.oldest_unsealed.isoformat()} (run seal_audit_log)."
        )
    return "\n".join(lines)
