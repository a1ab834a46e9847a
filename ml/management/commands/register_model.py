from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ml.exceptions import ModelUnavailable


class Command(BaseCommand):
    help = (
        "Register an artifact folder (model.joblib + manifest.json) trained elsewhere."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        parser.add_argument("--activate", action="store_true")

    def handle(self, *args, folder, activate, **options):
        from ml.registry import model_version_activate, model_version_register

        try:
            row = model_version_register(folder=folder, trained_by="register_model")
            if activate:
                model_version_activate(version=row.version)
        except (ModelUnavailable, KeyError) as exc:
            raise CommandError(f"Cannot register {folder}: {exc}") from None
        state = " and activated" if activate else ""
        self.stdout.write(self.style.SUCCESS(f"Registered{state} {row.version}."))
