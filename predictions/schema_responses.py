"""The error responses every operation of the API documents (drf-spectacular)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers

from ml import features as vocab
from ml import validation
from ml.reference import TUTORIAL_DEFAULT

ERROR = inline_serializer(
    "Error", {"detail": serializers.CharField(help_text="What went wrong.")}
)


def errors_of(**bad) -> dict:
    """The 400 body the API gives for the tutorial's patient with `bad` values."""
    try:
        validation.record_from_mapping(TUTORIAL_DEFAULT.as_dict() | bad)
    except validation.RecordError as exc:
        return {vocab.FIELD_NAMES[k]: [message] for k, message in exc.errors.items()}
    raise ValueError(f"{bad} is valid")


VALIDATION_ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Invalid input. Keys are field names (for a batch: item indexes, "
    "then field names); each message names the allowed values.",
    examples=[
        OpenApiExample("Single record", errors_of(BP="VERYHIGH")),
        OpenApiExample("Batch", {"1": errors_of(Age=470)}),
    ],
)
UNAUTHORIZED = OpenApiResponse(ERROR, description="No or bad credentials.")
FORBIDDEN = OpenApiResponse(
    ERROR, description="This account may not ask for predictions (role Prescribers)."
)
UNAVAILABLE = OpenApiResponse(
    ERROR,
    description="No usable model, or the audit log cannot be written: no answer "
    "is given without its log row. Retry after the Retry-After header's seconds.",
)
THROTTLED = OpenApiResponse(ERROR, description="Too many requests; see Retry-After.")
