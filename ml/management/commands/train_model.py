import getpass
import socket

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ml.checks import check_active_model
from ml.exceptions import DatasetError, ModelUnavailable
from ml.reports import format_report


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
        from ml.services import model_version_train  # imports scikit-learn

        if if_none_active and not check_active_model():
            self.stdout.write("A usable model is already active; nothing to train.")
            return
        self.stdout.write(f"Training on {data}...")
        by = f"train_model by {getpass.getuser()}@{socket.gethostname()}"
        try:
            version, trained = model_version_train(
                data=data, seed=seed, activate=activate, trained_by=by
            )
        except (DatasetError, ModelUnavailable) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(
            f"Trained on {trained.dataset.path} ({trained.dataset.rows} rows)."
        )
        self.stdout.write(format_report(trained.result.metrics))
        self.stdout.write(
            self.style.SUCCESS(
                f"Registered model version {version.version} ({trained.folder})."
            )
        )
        if activate:
            self.stdout.write(self.style.SUCCESS(f"Activated {version.version}."))
