"""The tutorial's ``GET /drug?Age=..&Sex=..&BP=..&Cholesterol=..&Na_to_K=..``.

Answers ``{"recommended_drug": "DrugY"}`` exactly as the tutorial's Flask service
did, so programs written against it keep working; the query parameters are the
dataset's column names.

A token or, where anonymous use is on, nothing: never a session cookie alone, so a
link on another site cannot make a signed-in clinician's browser write rows in
their name (a session-only request is anonymous here).
"""

from rest_framework import exceptions
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from ml import features as vocab
from ml import validation
from predictions import schema
from predictions.authentication import token_authentication
from predictions.errors import reject
from predictions.models import Channel
from predictions.negotiation import JsonOnly
from predictions.origin import origin_of
from predictions.permissions import CanPredict
from predictions.services import prediction_create

ALLOWED_METHODS = "GET, HEAD, OPTIONS"  # DRF's Allow header for this view


def record_of(params) -> vocab.PatientRecord:
    """A record from the query parameters; RecordError names each bad one."""
    return validation.record_from_mapping(
        {name: params.get(name) for name in vocab.FEATURES}
    )


def parse_query(params) -> vocab.PatientRecord:
    """A record from the query string; a ValidationError names each bad parameter."""
    try:
        return record_of(params)
    except validation.RecordError as exc:
        raise exceptions.ValidationError(
            {name: [message] for name, message in exc.errors.items()}
        ) from None


class LegacyDrugApi(APIView):
    """Predict one drug from query parameters; the answer is logged (channel legacy)."""

    authentication_classes = [token_authentication()]
    permission_classes = [CanPredict]
    renderer_classes = [JSONRenderer]
    content_negotiation_class = JsonOnly

    @schema.legacy_drug
    def get(self, request):
        try:
            record = parse_query(request.query_params)
        except exceptions.ValidationError as exc:
            reject(request, Channel.LEGACY, dict(request.query_params.items()), exc)
        (row,) = prediction_create(
            records=[record],
            channel=Channel.LEGACY,
            origin=origin_of(request),
        )
        return Response({"recommended_drug": row.drug})
