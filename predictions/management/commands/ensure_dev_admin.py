import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = (
        "On an empty user table, create a local admin and print its password (DEBUG)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("ensure_dev_admin runs only with DJANGO_DEBUG on.")
        User = get_user_model()
        if User.objects.exists():
            self.stdout.write("Users exist already; no account created.")
            return
        password = secrets.token_urlsafe(12)
        User.objects.create_superuser(username=username, email="", password=password)
        self.stdout.write(
            self.style.SUCCESS(
                f"Created the local admin account: username {username!r}, password "
                f"{password!r}. It is shown only this once; change it in the admin."
            )
        )
