"""The prediction log: one row per answer served, and one per rejected request."""

from django.conf import settings
from django.db import models
from django.utils import timezone

from ml.models import ModelVersion


class Channel(models.TextChoices):
    FORM = "form", "Web form"
    API = "api", "REST API"
    LEGACY = "legacy", "Legacy GET /drug"


class Outcome(models.TextChoices):
    ANSWERED = "answered", "Answered"
    REJECTED = "rejected", "Rejected (invalid input)"


class Prediction(models.Model):
    """An append-only audit row, in the manner of Django admin's LogEntry."""

    created_at = models.DateTimeField(
        default=timezone.now, editable=False, db_index=True
    )
    channel = models.CharField(max_length=8, choices=Channel.choices)
    outcome = models.CharField(
        max_length=8, choices=Outcome.choices, default=Outcome.ANSWERED
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="predictions",
    )
    request_id = models.CharField(max_length=64, db_index=True)
    item_index = models.PositiveIntegerField(
        default=0, help_text="Position in a batch."
    )
    # What was asked (typed columns; empty for a rejected request).
    age = models.PositiveSmallIntegerField(null=True)
    sex = models.CharField(max_length=8, blank=True)
    bp = models.CharField("BP", max_length=8, blank=True)
    cholesterol = models.CharField(max_length=8, blank=True)
    na_to_k = models.FloatField("Na_to_K", null=True)
    # What was answered.
    drug = models.CharField(max_length=16, blank=True, db_index=True)
    probabilities = models.JSONField(default=dict)
    model_version = models.ForeignKey(
        ModelVersion, null=True, on_delete=models.PROTECT, related_name="predictions"
    )
    explanation = models.JSONField(default=list)
    warnings = models.JSONField(default=list)
    near_boundary = models.BooleanField(default=False)
    boundary = models.JSONField(
        null=True, blank=True, help_text="Closest numeric threshold on the path."
    )
    latency_us = models.PositiveIntegerField(default=0, help_text="Model time, µs.")
    # Why a request was rejected.
    raw_input = models.JSONField(null=True, blank=True)
    errors = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = [models.Index(fields=["channel", "created_at"])]

    def __str__(self) -> str:
        if self.outcome == Outcome.REJECTED:
            return f"#{self.pk} rejected {self.channel} request"
        return f"#{self.pk} {self.drug} ({self.channel})"
