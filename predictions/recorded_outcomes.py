"""The drug actually prescribed for a logged prediction, recorded by staff.

A table of its own, so the audit row is never changed; one outcome per
prediction (the database refuses a second) and append-only like the log.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone


class RecordedOutcome(models.Model):
    """What was prescribed after a prediction, who recorded it and when."""

    class Source(models.TextChoices):
        FORM = "form", "Prescription form"
        ADMIN = "admin", "Admin"
        API = "api", "REST API"

    prediction = models.OneToOneField(
        "predictions.Prediction",
        on_delete=models.PROTECT,
        related_name="recorded_outcome",
    )
    drug = models.CharField(max_length=16, help_text="The drug prescribed.")
    recorded_at = models.DateTimeField(
        default=timezone.now, editable=False, db_index=True
    )
    source = models.CharField(max_length=5, choices=Source.choices)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
    )
    username = models.CharField(max_length=150, help_text="Who recorded it, then.")

    class Meta:
        ordering = ("-recorded_at", "-id")

    def __str__(self) -> str:
        return f"prediction #{self.prediction_id}: {self.drug} prescribed"
