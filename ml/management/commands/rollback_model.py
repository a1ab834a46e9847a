from django.core.management.base import BaseCommand, CommandError

from ml.exceptions import ModelChangeRefused, ModelUnavailable
from ml.registry import model_version_rollback


class Command(BaseCommand):
    help = "Re-activate the version that was active before the current one."

    def add_arguments(self, parser):
        parser.add_argument(
            "--reason", required=True, help="Why, for the change history."
        )

    def handle(self, *args, reason, **options):
        try:
            version = model_version_rollback(reason=reason)
        except (ModelUnavailable, ModelChangeRefused) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Rolled back to {version.version}."))
