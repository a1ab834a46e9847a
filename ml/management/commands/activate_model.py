from django.core.management.base import BaseCommand, CommandError

from ml.exceptions import ModelChangeRefused, ModelUnavailable
from ml.registry import model_version_activate


class Command(BaseCommand):
    help = "Verify a registered model version and make it the active one."

    def add_arguments(self, parser):
        parser.add_argument("version", help="A version id, as `list_models` shows it.")
        parser.add_argument(
            "--reason", required=True, help="Why, for the change history."
        )

    def handle(self, *args, version, reason, **options):
        try:
            model_version_activate(version=version, reason=reason)
        except (ModelUnavailable, ModelChangeRefused) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Activated {version}."))
