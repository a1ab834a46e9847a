"""Who may ask for predictions: the checks behind the roles of predictions.roles."""

from django.conf import settings
from rest_framework.permissions import BasePermission

from predictions.roles import (
    ACTIVATE_MODELS,
    PREDICT,
    RECORD_OUTCOMES,
    VIEW_DASHBOARD,
    VIEW_MODEL_CHANGES,
)


class CanPredict(BasePermission):
    """Accounts with predictions.predict; anyone when DRUGSITE_ALLOW_ANONYMOUS is on."""

    message = "This account may not ask for predictions (role: Prescribers)."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return settings.DRUGSITE_ALLOW_ANONYMOUS
        return user.has_perm(PREDICT)


class CanRecordOutcomes(BasePermission):
    """Accounts with predictions.add_recordedoutcome (Prescribers: their own rows)."""

    message = "This account may not record outcomes (role: Prescribers)."

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm(RECORD_OUTCOMES)


class CanViewDashboard(BasePermission):
    """Accounts with predictions.view_dashboard: Auditors and Model managers."""

    message = "This account may not see live quality (role: Auditors, Model managers)."

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm(VIEW_DASHBOARD)


class CanChangeModels(BasePermission):
    """Accounts with ml.activate_modelversion (Model managers): activate, roll
    back, candidates and shadows."""

    message = "This account may not change the served model (role: Model managers)."

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm(ACTIVATE_MODELS)


class CanViewModelChanges(BasePermission):
    """Accounts with ml.view_modelchange: Auditors and Model managers."""

    message = (
        "This account may not read the model's change history "
        "(role: Auditors, Model managers)."
    )

    def has_permission(self, request, view) -> bool:
        return request.user.has_perm(VIEW_MODEL_CHANGES)
