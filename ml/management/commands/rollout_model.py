from django.core.management.base import BaseCommand, CommandError

from ml.changes import rollout_state
from ml.exceptions import ModelChangeRefused, ModelUnavailable
from ml.registry import model_version_rollout


class Command(BaseCommand):
    help = (
        "Try a version on live traffic: the candidate with a share of requests, "
        "in shadow (scored and logged, never returned), or take it out."
    )

    def add_arguments(self, parser):
        parser.add_argument("version", help="A version id, as `list_models` shows it.")
        mode = parser.add_mutually_exclusive_group(required=True)
        mode.add_argument(
            "--candidate",
            type=int,
            metavar="PERCENT",
            help="Serve it to this share of requests, 0 to 100.",
        )
        mode.add_argument("--shadow", action="store_true")
        mode.add_argument("--retire", action="store_true", help="Take it out.")
        parser.add_argument(
            "--reason", required=True, help="Why, for the change history."
        )

    def handle(self, *args, version, candidate, shadow, retire, reason, **options):
        mode = "shadow" if shadow else "none" if retire else "candidate"
        try:
            row = model_version_rollout(
                version=version,
                mode=mode,
                traffic_percent=candidate or 0,
                reason=reason,
            )
        except (ModelUnavailable, ModelChangeRefused) as exc:
            raise CommandError(str(exc)) from None
        state = rollout_state(row.rollout, row.traffic_percent)
        self.stdout.write(self.style.SUCCESS(f"Model {row.version} is now {state}."))
