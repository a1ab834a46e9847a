from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connection

LOCK_ID = 0x64727567  # "drug": one PostgreSQL advisory lock for all app hosts


class Command(BaseCommand):
    help = "Run `migrate` under a database-wide lock; hosts starting together wait."

    def add_arguments(self, parser):
        parser.add_argument("--no-input", action="store_false", dest="interactive")

    def handle(self, *args, interactive, **options):
        if connection.vendor != "postgresql":  # SQLite is one host's file
            call_command("migrate", interactive=interactive, stdout=self.stdout)
            return
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s)", [LOCK_ID])
            try:
                call_command("migrate", interactive=interactive, stdout=self.stdout)
            finally:
                cursor.execute("SELECT pg_advisory_unlock(%s)", [LOCK_ID])
