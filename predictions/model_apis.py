"""The model's life in production over the API: thin views over ml.registry.

``POST /api/v1/models/{version}/activate/``, ``POST /api/v1/models/rollback/``
and ``POST /api/v1/models/{version}/rollout/`` (Model managers) answer 201 with
the step they added to the history, 400 naming a bad field, 404 naming an
unknown version, 409 with the reason a change cannot be made (the artifact
fails verification, nothing to roll back to, already so).
``GET /api/v1/models/changes/`` is the history (Auditors, Model managers).
"""

from collections.abc import Callable

import django_filters
from rest_framework import exceptions, generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from ml.exceptions import ModelChangeRefused, ModelUnavailable, UnknownVersion
from ml.models import ModelChange, ModelVersion
from ml.registry import (
    model_version_activate,
    model_version_rollback,
    model_version_rollout,
)
from predictions import schema_models
from predictions.model_serializers import (
    ModelChangeSerializer,
    ReasonSerializer,
    RolloutSerializer,
)
from predictions.parsers import SafeJSONParser
from predictions.permissions import CanChangeModels, CanViewModelChanges


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The change cannot be made."
    default_code = "conflict"


def valid(serializer_class, request) -> dict:
    """The body, validated; a 400 naming each bad field otherwise."""
    serializer = serializer_class(data=request.data)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


def changed(service: Callable[..., ModelVersion], **kwargs) -> Response:
    """Make the change; 201 with the step it added to the history."""
    try:
        row = service(**kwargs)
    except UnknownVersion as exc:
        raise exceptions.NotFound(str(exc)) from exc
    except (ModelUnavailable, ModelChangeRefused) as exc:
        raise Conflict(str(exc)) from exc
    step = ModelChange.objects.filter(version=row).select_related("previous").first()
    return Response(ModelChangeSerializer(step).data, status=status.HTTP_201_CREATED)


class ModelChangeApi(APIView):
    permission_classes = [CanChangeModels]
    parser_classes = [SafeJSONParser]


class ActivateApi(ModelChangeApi):
    """Verify a registered version and make it the active one."""

    @schema_models.activate
    def post(self, request, version: str):
        reason = valid(ReasonSerializer, request)["reason"]
        return changed(
            model_version_activate, version=version, reason=reason, user=request.user
        )


class RollbackApi(ModelChangeApi):
    """Re-activate the version active before the current one."""

    @schema_models.rollback
    def post(self, request):
        reason = valid(ReasonSerializer, request)["reason"]
        return changed(model_version_rollback, reason=reason, user=request.user)


class RolloutApi(ModelChangeApi):
    """Make a version the candidate, run it in shadow, or take it out."""

    @schema_models.rollout
    def post(self, request, version: str):
        data = valid(RolloutSerializer, request)
        return changed(
            model_version_rollout,
            version=version,
            mode=data["mode"],
            traffic_percent=data.get("traffic_percent", 0),
            reason=data["reason"],
            user=request.user,
        )


class ChangeFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(choices=ModelChange.Action.choices)
    version = django_filters.CharFilter(field_name="version__version")

    class Meta:
        model = ModelChange
        fields = ("action", "version")


class ChangesApi(generics.ListAPIView):
    """The change history, newest first."""

    permission_classes = [CanViewModelChanges]
    serializer_class = ModelChangeSerializer
    filterset_class = ChangeFilter
    queryset = ModelChange.objects.select_related("version", "previous")

    @schema_models.changes
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
