"""OpenAPI documentation of the API (drf-spectacular): bodies, examples, errors."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    PolymorphicProxySerializer,
    extend_schema,
    inline_serializer,
)
from rest_framework import serializers

from ml import features as vocab
from ml.reference import TUTORIAL_DEFAULT
from predictions.notices import INTENDED_USE
from predictions.output import PredictionSerializer
from predictions.schema_responses import (
    ERROR,
    FORBIDDEN,
    THROTTLED,
    UNAUTHORIZED,
    UNAVAILABLE,
    VALIDATION_ERROR,
)
from predictions.serializers import PatientSerializer

EXAMPLE_PATIENT = TUTORIAL_DEFAULT.as_fields()


def parameter_schema(name: str) -> dict:
    """A query parameter's JSON schema, from the feature's description."""
    described = vocab.describe(name)
    if "allowed" in described:
        return {"type": "string", "enum": described["allowed"]}
    low, high = described["allowed_range"]
    return {"type": described["kind"], "minimum": low, "maximum": high}


predictions_request = PolymorphicProxySerializer(
    component_name="PredictionRequest",
    serializers=[PatientSerializer, PatientSerializer(many=True)],
    resource_type_field_name=None,
    many=False,
)
predictions_response = PolymorphicProxySerializer(
    component_name="PredictionResponse",
    serializers=[PredictionSerializer, PredictionSerializer(many=True)],
    resource_type_field_name=None,
    many=False,
)

create_prediction = extend_schema(
    summary="Suggest a drug for one patient or a batch",
    description=f"{INTENDED_USE}\n\nSend one object, or a list of up to "
    "DRUGSITE_MAX_BATCH (default 1,000) objects; the answer has the same shape. "
    "Category values are case-insensitive. Every answer is written to the audit log "
    "before it is returned.",
    request=predictions_request,
    responses={
        201: predictions_response,
        400: VALIDATION_ERROR,
        415: OpenApiResponse(ERROR, description="The body is not application/json."),
        413: OpenApiResponse(
            ERROR,
            description="The body is over DATA_UPLOAD_MAX_MEMORY_SIZE (1 KiB per "
            "record of DRUGSITE_MAX_BATCH): send a large batch in parts.",
        ),
        401: UNAUTHORIZED,
        403: FORBIDDEN,
        429: THROTTLED,
        503: UNAVAILABLE,
    },
    examples=[
        OpenApiExample("One patient", EXAMPLE_PATIENT, request_only=True),
        OpenApiExample(
            "A batch",
            [EXAMPLE_PATIENT, dict(EXAMPLE_PATIENT, bp="HIGH")],
            request_only=True,
        ),
    ],
)
list_predictions = extend_schema(
    summary="The prediction log (yours; Auditors see all)",
    responses={
        200: PredictionSerializer(many=True),
        400: OpenApiResponse(
            OpenApiTypes.OBJECT,
            description="A filter value is not valid; keys are the filters.",
        ),
        401: UNAUTHORIZED,
        404: OpenApiResponse(ERROR, description="No such page."),
    },
)
retrieve_prediction = extend_schema(
    summary="One logged prediction",
    responses={
        200: PredictionSerializer,
        401: UNAUTHORIZED,
        404: OpenApiResponse(ERROR, description="Not yours, or no such row."),
    },
)
describe_model = extend_schema(
    summary="The active model: version, features, classes, metrics",
    responses={
        200: OpenApiTypes.OBJECT,
        401: UNAUTHORIZED,
        403: FORBIDDEN,
        503: UNAVAILABLE,
    },
)
legacy_drug = extend_schema(
    summary="The original tutorial's endpoint",
    description="Answers exactly as the tutorial's Flask service did, so programs "
    "written against it keep working. Parameters use the dataset's column names. "
    "The answer is logged (channel `legacy`). It takes a token, never a session "
    "cookie alone; callers without credentials are accepted only when "
    "DRUGSITE_ALLOW_ANONYMOUS is on.",
    parameters=[
        OpenApiParameter(
            name,
            parameter_schema(name),
            OpenApiParameter.QUERY,
            required=True,
            description=vocab.help_text(name),
        )
        for name in vocab.FEATURES
    ],
    responses={
        200: inline_serializer(
            "LegacyAnswer",
            {"recommended_drug": serializers.ChoiceField(choices=vocab.LABELS)},
        ),
        400: VALIDATION_ERROR,
        401: UNAUTHORIZED,
        403: FORBIDDEN,
        429: THROTTLED,
        503: UNAVAILABLE,
    },
    examples=[
        OpenApiExample(
            "Answer",
            {"recommended_drug": "DrugY"},
            response_only=True,
            status_codes=["200"],
        )
    ],
)
