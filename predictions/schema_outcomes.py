"""OpenAPI documentation of the outcome and live-quality endpoints."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers

from predictions.outcome_serializers import (
    OutcomeRequestSerializer,
    QualitySerializer,
    RecordedOutcomeSerializer,
)
from predictions.schema_responses import ERROR, THROTTLED, UNAUTHORIZED

CONFLICT = inline_serializer(
    "OutcomeConflict",
    {
        "detail": serializers.CharField(help_text="Names the first outcome."),
        "outcome": RecordedOutcomeSerializer(help_text="The first outcome."),
    },
)
NOT_FOUND = OpenApiResponse(
    ERROR, description="No such answered prediction of yours (the id is named)."
)

record_outcome = extend_schema(
    summary="Record the drug actually prescribed",
    description="Once per prediction, for your own answered predictions "
    "(role Prescribers; superusers: any). The drug must be one of the classes of "
    "the model that answered. Kept in a table of its own: the audit row is never "
    "changed.",
    request=OutcomeRequestSerializer,
    responses={
        201: RecordedOutcomeSerializer,
        400: OpenApiResponse(
            OpenApiTypes.OBJECT,
            description="`drug` is missing or not a class of the model; the "
            "message names the allowed values.",
            examples=[
                OpenApiExample(
                    "Unknown drug",
                    {
                        "drug": [
                            "Drug 'drugZ' is not allowed: use one of DrugY, "
                            "drugA, drugB, drugC, drugX."
                        ]
                    },
                )
            ],
        ),
        401: UNAUTHORIZED,
        403: OpenApiResponse(
            ERROR, description="This account may not record outcomes."
        ),
        404: NOT_FOUND,
        409: OpenApiResponse(CONFLICT, description="An outcome is recorded already."),
        429: THROTTLED,
    },
    examples=[OpenApiExample("Prescribed", {"drug": "drugX"}, request_only=True)],
)
read_outcome = extend_schema(
    summary="The drug prescribed after a prediction",
    description="Your own predictions' outcomes; Auditors read any.",
    responses={
        200: RecordedOutcomeSerializer,
        401: UNAUTHORIZED,
        404: OpenApiResponse(ERROR, description="None recorded, or not yours."),
        429: THROTTLED,
    },
)
quality = extend_schema(
    summary="Live quality per model version and arm, from recorded outcomes",
    description="Accuracy with its count and 95 % Wilson interval, recall per "
    "prescribed drug and the confusion matrix, per version and arm; for a "
    "shadow, the paired comparison with the served answers of the same requests. "
    "Roles Auditors and Model managers.",
    parameters=[
        OpenApiParameter(
            name,
            OpenApiTypes.DATETIME,
            description=f"ISO 8601; answers given {text}.",
        )
        for name, text in (("since", "from then on"), ("until", "before then"))
    ],
    responses={
        200: QualitySerializer,
        400: OpenApiResponse(
            OpenApiTypes.OBJECT, description="A bad `since` or `until`, named."
        ),
        401: UNAUTHORIZED,
        403: OpenApiResponse(ERROR, description="This account may not see it."),
        429: THROTTLED,
    },
)
