from django.core.management.base import BaseCommand, CommandError

from ml.exceptions import ModelUnavailable
from ml.registry import model_version_activate


class Command(BaseCommand):
    help = "Verify a registered model version and make it the active one."

    def add_arguments(self, parser):
        parser.add_argument("version", help="A version id, as `list_models` shows it.")

    def handle(self, *args, version, **options):
        try:
            model_version_activate(version=version)
        except ModelUnavailable as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Activated {version}."))
