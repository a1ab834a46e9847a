"""Count the log's closed days for the dashboard (predictions.rollup).

Page views count a missing day themselves; run this once a day (cron, a systemd
timer, after midnight UTC) so that no view has to, or with ``--rebuild`` to
count days again from the log: the counts are derived data.
"""

from argparse import ArgumentTypeError
from datetime import date

from django.core.management.base import BaseCommand

from predictions.rollup import (
    ONE_DAY,
    first_open_day,
    log_first_day,
    rollup_fill,
    rollup_forget,
)


def day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ArgumentTypeError(f"{value!r} is not a day: use YYYY-MM-DD.") from None


class Command(BaseCommand):
    help = "Count each closed day of the prediction log once, for the dashboard."

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", type=day, help="First UTC day, YYYY-MM-DD (default: the log's)."
        )
        parser.add_argument(
            "--rebuild",
            action="store_true",
            help="Forget the stored counts of these days and count them again.",
        )

    def handle(self, *args, since, rebuild, **options):
        first, last = since or log_first_day(), first_open_day() - ONE_DAY
        if first is None or first > last:
            self.stdout.write("No closed day to count.")
            return
        if rebuild:
            forgotten = rollup_forget(first=first, last=last)
            self.stdout.write(f"Forgot the counts of {forgotten} stored days.")
        counted = rollup_fill(first=first, last=last)
        kept = (last - first).days + 1 - len(counted)
        self.stdout.write(
            self.style.SUCCESS(
                f"Counted {len(counted)} days, {first} to {last}; "
                f"{kept} were already stored."
            )
        )
