from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Write the generated drug200-style dataset (seeded, reproducible)."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=1000)
        parser.add_argument("--seed", type=int, default=200)
        parser.add_argument("--out", type=Path, default=settings.ML_DEFAULT_DATASET)

    def handle(self, *args, rows, seed, out, **options):
        from ml.synthetic import generate_csv

        out.write_text(generate_csv(rows=rows, seed=seed))
        self.stdout.write(
            self.style.SUCCESS(f"Wrote {rows} rows (seed {seed}) to {out}.")
        )
