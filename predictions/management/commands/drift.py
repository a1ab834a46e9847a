import re
from datetime import datetime, timedelta

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ml.exceptions import ModelUnavailable
from ml.models import ModelVersion
from predictions.drift import drift_report

SPAN = re.compile(r"(\d+)([dh])")
FORMATS = "a date (2026-11-01), an ISO time (2026-11-01T08:00) or a span (7d, 12h)"


def moment(option: str, text: str, now: datetime) -> datetime:
    """A date or ISO time (in TIME_ZONE unless it names its offset), or a span
    back from now."""
    if span := SPAN.fullmatch(text.strip()):
        number, unit = int(span[1]), span[2]
        return now - timedelta(**{"days" if unit == "d" else "hours": number})
    try:
        when = datetime.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"{option} {text!r} is not {FORMATS}.") from None
    return timezone.make_aware(when) if timezone.is_naive(when) else when


class Command(BaseCommand):
    help = (
        "Drift of the inputs a model version served against its training data: "
        "PSI, out-of-range share and a verdict per feature."
    )

    def add_base_argument(self, parser, *args, **kwargs):
        if "--version" not in args:  # here --version names a model version
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("--since", help=f"Start of the window: {FORMATS}. "
                            "Default: 7 days before --until.")  # fmt: skip
        parser.add_argument("--until", help=f"End of the window: {FORMATS}. "
                            "Default: now.")  # fmt: skip
        parser.add_argument("--version", help="Default: the active version.")

    def handle(self, *args, since, until, version, **options):
        now = timezone.now()
        until = moment("--until", until, now) if until else now
        since = moment("--since", since, now) if since else None
        if since is not None and since >= until:
            raise CommandError(f"--since ({since:%Y-%m-%d %H:%M}) must be before "
                               f"--until ({until:%Y-%m-%d %H:%M}).")  # fmt: skip
        try:
            report = drift_report(since=since, until=until, version=version)
        except ModelUnavailable as exc:
            raise CommandError(f"{exc} Or name one with --version.") from None
        except ModelVersion.DoesNotExist:
            raise CommandError(
                f"Unknown model version {version!r}: `python manage.py list_models` "
                "lists them."
            ) from None
        since, until = (
            timezone.localtime(report.since),
            timezone.localtime(report.until),
        )
        self.stdout.write(
            f"Model version {report.version}: {report.rows} input(s) served from "
            f"{since:%Y-%m-%d %H:%M} to {until:%Y-%m-%d %H:%M} ({until:%Z}), "
            "against its training data."
        )
        if report.problem:
            self.stdout.write(self.style.WARNING(report.problem))
            return
        self.stdout.write(table(report.features))


def table(features) -> str:
    lines = [f"{'feature':<12} {'n':>8} {'PSI':>8} {'out of range':>13}  verdict"]
    for f in features:
        psi = "-" if f.psi is None else f"{f.psi:.3f}"
        share = "-" if f.out_of_range_share is None else f"{f.out_of_range_share:.1%}"
        lines.append(f"{f.name:<12} {f.count:>8} {psi:>8} {share:>13}  {f.verdict}")
    return "\n".join(lines)
