from django.core.management.base import BaseCommand

from ml.changes import rollout_state
from ml.models import ModelVersion


class Command(BaseCommand):
    help = "List registered model versions, newest first; * marks the active one."

    def handle(self, *args, **options):
        rows = ModelVersion.objects.all()
        if not rows:
            self.stdout.write("No model versions registered; run `train_model`.")
            return
        self.stdout.write(f"{'':2}{'version':<28}{'cv accuracy':>12}  created")
        for row in rows:
            mark = "* " if row.is_active else "  "
            acc = "-" if row.cv_accuracy is None else f"{row.cv_accuracy:.4f}"
            trial = f"  {rollout_state(row.rollout, row.traffic_percent)}"
            self.stdout.write(
                f"{mark}{row.version:<28}{acc:>12}  {row.created_at:%Y-%m-%d %H:%M}"
                + (trial if row.rollout else "")
            )
