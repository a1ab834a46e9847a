from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from predictions.tokens import token_create


class Command(BaseCommand):
    help = (
        "Make an API token for an account and print its key, alone on stdout, this "
        "once (only a digest is stored). Its expiry goes to stderr."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument(
            "--expiry-hours",
            type=float,
            default=None,
            help="Hours the key works (default: DRUGSITE_TOKEN_TTL_HOURS, 10).",
        )

    def handle(self, *args, username, expiry_hours, **options):
        if expiry_hours is not None and expiry_hours <= 0:
            raise CommandError("--expiry-hours must be more than 0.")
        User = get_user_model()
        try:
            user = User._default_manager.get_by_natural_key(username)
        except User.DoesNotExist:
            raise CommandError(f"No account {username!r}.") from None
        if not user.is_active:
            raise CommandError(f"The account {username!r} is inactive.")
        instance, key = token_create(user=user, hours=expiry_hours)
        self.stdout.write(key)
        expiry = f"{instance.expiry:%Y-%m-%d %H:%M %Z}"
        self.stderr.write(f"Expires {expiry}.", style_func=str)
