"""The log's vocabularies and its patient columns, derived from ml.features."""

from django.db import models

from ml import features as vocab


class Channel(models.TextChoices):
    FORM = "form", "Web form"
    API = "api", "REST API"
    LEGACY = "legacy", "Legacy GET /drug"


class Outcome(models.TextChoices):
    ANSWERED = "answered", "Answered"
    REJECTED = "rejected", "Rejected (invalid input)"


class Arm(models.TextChoices):
    """Which version gave the answer: the served one, or one under trial."""

    ACTIVE = "active", "Active version"
    CANDIDATE = "candidate", "Candidate (served a share of traffic)"
    SHADOW = "shadow", "Shadow (logged, never returned)"


class AuthMethod(models.TextChoices):
    SESSION = "session", "Session (sign-in)"
    TOKEN = "token", "API token"
    ANONYMOUS = "anonymous", "Anonymous"


def feature_column(spec: vocab.Feature) -> models.Field:
    """The log's column for one feature: typed, empty for a rejected request."""
    if spec.kind == "category":
        width = max(len(value) for value in spec.allowed)
        return models.CharField(spec.name, max_length=max(8, width), blank=True)
    if spec.kind == "integer":
        return models.PositiveSmallIntegerField(spec.name, null=True)
    return models.FloatField(spec.name, null=True)


#: What was asked: one column per feature of ml.features, named by its field.
PatientColumns = type(
    "PatientColumns",
    (models.Model,),
    {
        "__module__": __name__,
        "Meta": type("Meta", (), {"abstract": True}),
        **{spec.field: feature_column(spec) for spec in vocab.SPECS},
    },
)
