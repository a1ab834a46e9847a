"""Who may ask for predictions: the checks behind the roles of predictions.roles."""

from django.conf import settings
from rest_framework.permissions import BasePermission

from predictions.roles import PREDICT


class CanPredict(BasePermission):
    """Accounts with predictions.predict; anyone when DRUGSITE_ALLOW_ANONYMOUS is on."""

    message = "This account may not ask for predictions (role: Prescribers)."

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return settings.DRUGSITE_ALLOW_ANONYMOUS
        return user.has_perm(PREDICT)
