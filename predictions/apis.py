"""The JSON API (/api/v1/): thin views over the services and selectors."""

from rest_framework import exceptions, generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ml import features as vocab
from ml.predictor import get_predictor
from predictions import schema
from predictions.errors import reject
from predictions.filters import PredictionFilter
from predictions.model_pages import model_card_url
from predictions.models import Channel, Prediction
from predictions.notices import INTENDED_USE
from predictions.origin import origin_of
from predictions.output import PredictionSerializer
from predictions.output_request import request_answers
from predictions.pagination import LogPagination
from predictions.parsers import SafeJSONParser
from predictions.permissions import CanPredict
from predictions.renderers import fast_renderers
from predictions.selectors import prediction_list
from predictions.serializers import validate_patients
from predictions.services import prediction_create


class PredictionListCreateApi(generics.ListAPIView):
    """POST: predict for one patient or a batch. GET: the log, newest first."""

    serializer_class = PredictionSerializer
    filterset_class = PredictionFilter
    pagination_class = LogPagination  # no COUNT(*) of millions of rows
    # A batch is a JSON list; forms cannot carry one. Hostile bodies: see parsers.
    parser_classes = [SafeJSONParser]
    renderer_classes = fast_renderers()  # DRF's JSON, written faster
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
            reject(request, Channel.API, getattr(exc, "body", None), exc)
        try:
            records, many = validate_patients(data)
        except exceptions.ValidationError as exc:
            reject(request, Channel.API, data, exc)
        rows = prediction_create(
            records=records,
            channel=Channel.API,
            origin=origin_of(request),
        )
        body = request_answers(rows)
        return Response(body if many else body[0], status=status.HTTP_201_CREATED)


class PredictionDetailApi(generics.RetrieveAPIView):
    """One logged prediction (your own, or any with the view permission: Auditors)."""

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
        predictor = get_predictor()
        observed = {
            f["name"]: f.get("observed_range") for f in predictor.feature_schema
        }
        features = [vocab.describe(name, observed.get(name)) for name in vocab.FEATURES]
        return Response(
            {
                "version": predictor.version,
                "features": features,
                "classes": list(predictor.classes),
                "metrics": predictor.metrics,
                "intended_use": INTENDED_USE,
                "model_card": request.build_absolute_uri(
                    model_card_url(predictor.version)
                ),
            }
        )
