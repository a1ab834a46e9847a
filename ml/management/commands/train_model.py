import getpass
import socket

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ml.changes import TRAINED
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
        parser.add_argument(
            "--reason",
            default=TRAINED,
            help=f"Why, for the change history, with --activate ({TRAINED!r}).",
        )
        parser.add_argument(
            "--with-outcomes",
            action="store_true",
            help=(
                "Add the recorded outcomes of served predictions to the CSV's rows, "
                "compare with the active model on the same folds, and register "
                "the new version inactive (ready to be a candidate); it is "
                "activated only if --activate is given too."
            ),
        )

    def handle(
        self, *args, data, activate, if_none_active, seed, with_outcomes, **options
    ):
        from ml.services import model_version_train  # imports scikit-learn

        if if_none_active and not check_active_model():
            self.stdout.write("A usable model is already active; nothing to train.")
            return
        by = f"train_model by {getpass.getuser()}@{socket.gethostname()}"
        if with_outcomes:
            self.retrain(
                data=data,
                seed=seed,
                activate=activate,
                trained_by=by,
                reason=options["reason"],
            )
            return
        self.stdout.write(f"Training on {data}...")
        try:
            version, trained = model_version_train(
                data=data,
                seed=seed,
                activate=activate,
                trained_by=by,
                reason=options["reason"],
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

    def retrain(self, *, data, seed, activate, trained_by, reason):
        """--with-outcomes: the CSV's rows and the recorded outcomes, compared
        with the active model, registered inactive unless --activate."""
        from django.core.exceptions import ImproperlyConfigured

        from ml.comparison import format_comparison
        from ml.outcomes import outcomes_source
        from ml.retraining import model_version_retrain

        try:
            outcomes = outcomes_source()()
        except ImproperlyConfigured as exc:
            raise CommandError(str(exc)) from None
        if not outcomes.rows:
            self.stdout.write(
                "No recorded outcomes of served predictions yet: nothing to add, "
                "no model trained. Record outcomes first, or train without "
                "--with-outcomes."
            )
            return
        self.stdout.write(
            f"Training on {data} and {outcomes.rows} recorded outcome(s), the last "
            f"recorded {outcomes.until.isoformat()}..."
        )
        try:
            done = model_version_retrain(
                data=data,
                outcomes=outcomes,
                seed=seed,
                activate=activate,
                trained_by=trained_by,
                reason=reason,
            )
        except (DatasetError, ModelUnavailable) as exc:
            raise CommandError(str(exc)) from None
        dataset = done.trained.dataset
        self.stdout.write(f"Trained on {dataset.path} ({dataset.rows} rows).")
        self.stdout.write(format_report(done.trained.result.metrics))
        self.stdout.write(format_comparison(done.comparison))
        self.report_registered(done, activate)

    def report_registered(self, done, activate):
        if activate:
            self.stdout.write(
                self.style.SUCCESS(f"Registered and activated {done.version.version}.")
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Registered model version {done.version.version} "
                    f"({done.trained.folder}), inactive: make it the candidate or "
                    "put it in shadow to try it on live traffic."
                )
            )
