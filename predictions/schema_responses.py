"""The error responses every operation of the API documents (drf-spectacular)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers

ERROR = inline_serializer(
    "Error", {"detail": serializers.CharField(help_text="What went wrong.")}
)
VALIDATION_ERROR = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="Invalid input. Keys are field names (for a batch: item indexes, "
    "then field names); each message names the allowed values.",
    examples=[
        OpenApiExample(
            "Single record",
            {"bp": ["BP 'VERYHIGH' is not allowed: use one of HIGH, LOW, NORMAL."]},
        ),
        OpenApiExample(
            "Batch",
            {
                "1": {
                    "age": [
                        "Age 470 is out of range: use a whole number from 0 to 120."
                    ]
                }
            },
        ),
    ],
)
UNAUTHORIZED = OpenApiResponse(ERROR, description="No or bad credentials.")
UNAVAILABLE = OpenApiResponse(
    ERROR,
    description="No usable model, or the audit log cannot be written: no answer "
    "is given without its log row. Retry after the Retry-After header's seconds.",
)
THROTTLED = OpenApiResponse(ERROR, description="Too many requests; see Retry-After.")
