"""OpenAPI documentation of the model-change endpoints (predictions.model_apis)."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema

from ml.changes import REASON_REQUIRED
from predictions.model_serializers import (
    ModelChangeSerializer,
    ReasonSerializer,
    RolloutSerializer,
)
from predictions.schema_responses import ERROR, THROTTLED, UNAUTHORIZED

FORBIDDEN = OpenApiResponse(
    ERROR, description="This account may not change the served model."
)
CONFLICT = OpenApiResponse(
    ERROR,
    description="The change cannot be made, and nothing changed: the artifact "
    "fails verification (the message says why and how to fix it), there is no "
    "earlier version to roll back to, or the version is already so.",
)
NOT_FOUND = OpenApiResponse(
    ERROR, description="No registered version of that name (the known are named)."
)
BAD_BODY = OpenApiResponse(
    OpenApiTypes.OBJECT,
    description="A field is missing or not valid; keys are the fields, each "
    "message names the allowed values.",
    examples=[OpenApiExample("No reason", {"reason": [REASON_REQUIRED]})],
)
ANSWERS = {
    201: OpenApiResponse(
        ModelChangeSerializer, description="The step added to the change history."
    ),
    400: BAD_BODY,
    401: UNAUTHORIZED,
    403: FORBIDDEN,
    409: CONFLICT,
    429: THROTTLED,
}
REASON = OpenApiExample("Reason", {"reason": "Better recall on drugC."})


def changing(summary, description, request, *, examples=(REASON,), names=True):
    """The schema of a POST that changes what serves (Model managers); `names`:
    its path names a version, which may not exist (404)."""
    return extend_schema(
        summary=summary,
        description=description + " Role Model managers; every change is "
        "recorded with who made it and why, and reaches every worker and host "
        "within ML_MODEL_REFRESH_SECONDS.",
        request=request,
        responses=ANSWERS | ({404: NOT_FOUND} if names else {}),
        examples=list(examples),
    )


activate = changing(
    "Activate a version",
    "Verify the version's artifact and make it the one that answers.",
    ReasonSerializer,
)
rollback = changing(
    "Roll back to the previous version",
    "Re-activate the version that was active before the current one, as the "
    "change history records it; rolling back twice returns to where it started.",
    ReasonSerializer,
    names=False,
)
rollout = changing(
    "Make a version the candidate, run it in shadow, or take it out",
    "A candidate answers `traffic_percent` % of requests, chosen from the "
    "caller's X-Request-Id (else the server's request id) so that a retried "
    "request gets the same version; a batch goes to one version whole. A shadow "
    "scores every request; its answers are logged (arm `shadow`) and never "
    "returned. One candidate and one shadow at most: a version taking the place "
    "of another takes it out, recorded.",
    RolloutSerializer,
    examples=(
        OpenApiExample(
            "Candidate",
            {"mode": "candidate", "traffic_percent": 10, "reason": "Try on 10 %."},
        ),
        OpenApiExample("Shadow", {"mode": "shadow", "reason": "Compare quietly."}),
        OpenApiExample("Out", {"mode": "none", "reason": "Seen enough."}),
    ),
)
changes = extend_schema(
    summary="The model's change history, newest first",
    description="Every activation, rollback, candidate, shadow and retirement, "
    "with who, when, from which version and why (role Auditors or Model managers).",
    responses={
        200: ModelChangeSerializer(many=True),
        400: OpenApiResponse(
            OpenApiTypes.OBJECT, description="A filter value is not valid."
        ),
        401: UNAUTHORIZED,
        403: OpenApiResponse(
            ERROR, description="This account may not read the change history."
        ),
        404: OpenApiResponse(ERROR, description="No such page."),
    },
)
