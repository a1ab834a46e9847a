from django.conf import settings
from rest_framework.permissions import BasePermission


class CanPredict(BasePermission):
    """Signed-in callers may predict; anyone may when DRUGSITE_ALLOW_ANONYMOUS is on."""

    message = "Authentication credentials were not provided."

    def has_permission(self, request, view) -> bool:
        if settings.DRUGSITE_ALLOW_ANONYMOUS:
            return True
        return bool(request.user and request.user.is_authenticated)
