from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ml.changes import NONE_USABLE, REGISTERED
from ml.checks import check_active_model
from ml.exceptions import ModelChangeRefused, ModelUnavailable
from ml.registry import model_version_activate, model_version_register


class Command(BaseCommand):
    help = "Register an artifact folder (model.joblib + manifest.json) made elsewhere."
    requires_system_checks: list = []

    def add_arguments(self, parser):
        parser.add_argument("folder", type=Path)
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--activate", action="store_true")
        group.add_argument(
            "--activate-if-none",
            action="store_true",
            help="Activate it only when no usable model is active (container start).",
        )
        parser.add_argument(
            "--reason",
            help=f"Why, for the change history (default: {REGISTERED!r}; with "
            f"--activate-if-none {NONE_USABLE!r}).",
        )

    def handle(self, *args, folder, activate, activate_if_none, reason, **options):
        try:
            row = model_version_register(folder=folder, trained_by="register_model")
            if activate_if_none and check_active_model():
                activate, reason = True, reason or NONE_USABLE
            if activate and not row.is_active:  # the same artifact again: as it was
                model_version_activate(version=row.version, reason=reason or REGISTERED)
        except (ModelUnavailable, ModelChangeRefused, KeyError) as exc:
            raise CommandError(f"Cannot register {folder}: {exc}") from None
        state = " and activated" if activate else ""
        self.stdout.write(self.style.SUCCESS(f"Registered{state} {row.version}."))
