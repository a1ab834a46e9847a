"""The outcome and live-quality endpoints: thin views over outcome_services and
quality.

``/api/v1/predictions/{id}/outcome/``: POST records the drug prescribed (201, or
400/404/409 naming what is wrong), GET reads it. ``/api/v1/quality/``: the live
quality per version and arm, for the dashboard's roles.
"""

from rest_framework import exceptions, status
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from predictions import schema_outcomes
from predictions.outcome_serializers import (
    READ,
    QualitySerializer,
    QualityWindowSerializer,
)
from predictions.outcome_services import (
    DrugNotAllowed,
    OutcomeExists,
    PredictionNotFound,
    outcome_get,
    outcome_record,
)
from predictions.parsers import SafeJSONParser
from predictions.permissions import CanRecordOutcomes, CanViewDashboard
from predictions.quality import quality_report, shadow_comparison
from predictions.recorded_outcomes import RecordedOutcome


class OutcomeApi(APIView):
    """POST: record the drug prescribed after a prediction. GET: read it."""

    parser_classes = [SafeJSONParser]

    def get_permissions(self):
        if self.request.method == "POST":
            return [CanRecordOutcomes()]
        return [IsAuthenticated()]

    @schema_outcomes.record_outcome
    def post(self, request, pk: int):
        data = request.data
        try:
            outcome = outcome_record(
                prediction_id=pk,
                drug=data.get("drug") if isinstance(data, dict) else None,
                user=request.user,
                source=RecordedOutcome.Source.API,
            )
        except PredictionNotFound as exc:
            raise exceptions.NotFound(str(exc)) from exc
        except DrugNotAllowed as exc:
            raise exceptions.ValidationError({"drug": [str(exc)]}) from exc
        except OutcomeExists as exc:
            body = {"detail": str(exc), "outcome": READ.to_representation(exc.first)}
            return Response(body, status=status.HTTP_409_CONFLICT)
        return Response(READ.to_representation(outcome), status.HTTP_201_CREATED)

    @schema_outcomes.read_outcome
    def get(self, request, pk: int):
        try:
            outcome = outcome_get(prediction_id=pk, user=request.user)
        except PredictionNotFound as exc:
            raise exceptions.NotFound(str(exc)) from exc
        return Response(READ.to_representation(outcome))


class QualityApi(APIView):
    """GET: predictions.quality's report and shadow comparison over a window."""

    permission_classes = [CanViewDashboard]

    @schema_outcomes.quality
    def get(self, request):
        window = QualityWindowSerializer(data=request.query_params)
        window.is_valid(raise_exception=True)
        since, until = window.validated_data["since"], window.validated_data["until"]
        body = {
            "since": since,
            "until": until,
            "versions": quality_report(since=since, until=until),
            "shadow": shadow_comparison(since=since, until=until),
        }
        return Response(QualitySerializer(body).data)
