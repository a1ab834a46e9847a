import getpass
import socket
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ml.exceptions import DatasetError, ModelUnavailable


class Command(BaseCommand):
    help = (
        "Train, cross-validate and register a model version from a drug200-style CSV."
    )
    requires_system_checks: list = []  # ml.W001 is what this command fixes

    def add_arguments(self, parser):
        parser.add_argument(
            "--data",
            default=str(settings.ML_DEFAULT_DATASET),
            help="CSV in the drug200 schema (default: the bundled one).",
        )
        parser.add_argument(
            "--activate",
            action="store_true",
            help="Make the new version the one that serves predictions.",
        )
        parser.add_argument(
            "--if-none-active",
            action="store_true",
            help="Do nothing when a usable model is already active.",
        )
        parser.add_argument(
            "--seed", type=int, default=0, help="The tree's random_state."
        )

    def handle(self, *args, data, activate, if_none_active, seed, **options):
        from ml.artifacts import save_artifact
        from ml.dataset import load_dataset
        from ml.registry import model_version_activate, model_version_register
        from ml.training import format_report, train

        if if_none_active and self.active_model_usable():
            self.stdout.write("A usable model is already active; nothing to train.")
            return
        try:
            dataset = load_dataset(data)
            self.stdout.write(f"Training on {dataset.path} ({dataset.rows} rows)...")
            result = train(dataset, random_state=seed)
        except DatasetError as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(format_report(result.metrics))
        manifest = save_artifact(result, dataset, Path(settings.ML_ARTIFACT_DIR))
        folder = Path(settings.ML_ARTIFACT_DIR) / manifest["version"]
        by = f"train_model by {getpass.getuser()}@{socket.gethostname()}"
        version = model_version_register(folder=folder, trained_by=by)
        self.stdout.write(
            self.style.SUCCESS(
                f"Registered model version {version.version} ({folder})."
            )
        )
        if activate:
            try:
                model_version_activate(version=version.version)
            except ModelUnavailable as exc:
                raise CommandError(str(exc)) from None
            self.stdout.write(self.style.SUCCESS(f"Activated {version.version}."))

    def active_model_usable(self) -> bool:
        from ml.checks import check_active_model

        return not check_active_model()
