"""The JSON API (/api/v1/): thin views over the services; errors mapped to statuses."""

import logging

from django.conf import settings
from django.db import InterfaceError, OperationalError
from rest_framework import exceptions, generics, status
from rest_framework.parsers import JSONParser
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from ml import ModelUnavailable
from ml import features as F
from predictions import metrics, schema
from predictions.filters import PredictionFilter
from predictions.models import Channel, Prediction
from predictions.notices import INTENDED_USE
from predictions.permissions import CanPredict
from predictions.selectors import prediction_list
from predictions.serializers import PredictionSerializer, validate_patients
from predictions.services import LogUnavailable, prediction_create, prediction_reject

logger = logging.getLogger("drugsite.ops")


class ServiceUnavailable(exceptions.APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = "The prediction service is unavailable."
    default_code = "service_unavailable"


def exception_handler(exc, context):
    """Map the ml and log errors to 503 with their message; add Retry-After."""
    if isinstance(exc, OperationalError | InterfaceError):
        return None  # DatabaseUnavailableMiddleware answers 503 for every view
    if isinstance(exc, ModelUnavailable | LogUnavailable):
        metrics.UNAVAILABLE.labels(type(exc).__name__).inc()
        code = (
            "model_unavailable"
            if isinstance(exc, ModelUnavailable)
            else "log_unavailable"
        )
        exc = ServiceUnavailable(detail=public_message(exc), code=code)
    response = drf_exception_handler(exc, context)
    if response is not None and response.status_code == 503:
        response["Retry-After"] = "5"
    return response


def public_message(exc: Exception) -> str:
    """What a caller is told: the full message in development; in production the
    fix is the operators' (it is logged), the caller learns what and when."""
    if settings.DEBUG or isinstance(exc, LogUnavailable):
        return str(exc)
    logger.error("model unavailable: %s", exc)
    return (
        "No usable model is available right now, so nothing was predicted. The "
        "operators have the details in the server log; try again shortly."
    )


def reject(request, channel: Channel, data, exc: exceptions.APIException):
    """Record a rejected request, then let DRF answer 400 with the field errors."""
    prediction_reject(
        data=data,
        errors=exc.get_full_details(),
        channel=channel,
        user=request.user,
        request_id=request.request_id,
    )
    raise exc


class PredictionListCreateApi(generics.ListAPIView):
    """POST: predict for one patient or a batch. GET: the log, newest first."""

    serializer_class = PredictionSerializer
    filterset_class = PredictionFilter
    parser_classes = [JSONParser]  # a batch is a JSON list; forms cannot carry one
    queryset = Prediction.objects.none()  # for the schema; see get_queryset

    def get_permissions(self):
        return (
            [CanPredict()]
            if self.request.method == "POST"
            else super().get_permissions()
        )

    def get_queryset(self):
        return prediction_list(user=self.request.user)

    @schema.list_predictions
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @schema.create_prediction
    def post(self, request):
        try:
            data = request.data
        except exceptions.ParseError as exc:
            reject(request, Channel.API, None, exc)
        try:
            records, many = validate_patients(data)
        except exceptions.ValidationError as exc:
            reject(request, Channel.API, data, exc)
        rows = prediction_create(
            records=records,
            channel=Channel.API,
            user=request.user,
            request_id=request.request_id,
        )
        serializer = PredictionSerializer()
        body = [serializer.to_representation(row) for row in rows]
        return Response(body if many else body[0], status=status.HTTP_201_CREATED)


class PredictionDetailApi(generics.RetrieveAPIView):
    """One logged prediction (your own, or any for staff)."""

    serializer_class = PredictionSerializer
    queryset = Prediction.objects.none()  # for the schema; see get_queryset

    def get_queryset(self):
        return prediction_list(user=self.request.user)

    @schema.retrieve_prediction
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class ModelApi(APIView):
    """The active model: version, features and allowed values, classes, metrics."""

    permission_classes = [CanPredict]

    @schema.describe_model
    def get(self, request):
        from ml.predictor import get_predictor

        predictor = get_predictor()
        observed = {
            f["name"]: f.get("observed_range") for f in predictor.feature_schema
        }
        features = [
            feature_description(name, observed.get(name)) for name in F.FEATURES
        ]
        return Response(
            {
                "version": predictor.version,
                "features": features,
                "classes": list(predictor.classes),
                "metrics": predictor.metrics,
                "intended_use": INTENDED_USE,
            }
        )


def feature_description(name: str, observed) -> dict:
    """A feature as validation sees it (ml.features), with the training data's range."""
    entry = {
        "name": name,
        "field": F.FIELD_NAMES[name],
        "description": F.DESCRIPTIONS[name],
    }
    if name in F.CATEGORIES:
        return entry | {"kind": "category", "allowed": list(F.CATEGORIES[name])}
    kind = "integer" if name in F.INTEGER else "number"
    return entry | {
        "kind": kind,
        "allowed_range": list(F.RANGES[name]),
        "observed_range": observed,
    }
