from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from predictions.roles import ROLES, role_get, role_grant


class Command(BaseCommand):
    help = "Give an account a role: " + "; ".join(
        f"{role.key} ({role.group}): {role.summary}" for role in ROLES
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", help="prescriber, auditor or model_manager.")

    def handle(self, *args, username, role, **options):
        try:
            chosen = role_get(role)
        except LookupError as exc:
            raise CommandError(str(exc)) from None
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No account {username!r}.") from None
        role_grant(user=user, role=chosen)
        staff = " (and staff status, for admin)" if chosen.staff else ""
        self.stdout.write(
            self.style.SUCCESS(f"{username} is now in {chosen.group}{staff}.")
        )
