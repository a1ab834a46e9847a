"""System checks: warn when no usable model would serve predictions."""

from django.core.checks import Warning, register
from django.db import DatabaseError

from ml.exceptions import ModelUnavailable
from ml.models import ModelVersion

HINT = "Run `python manage.py train_model --activate` (or `make run`, which does it)."


@register()
def check_active_model(app_configs=None, **kwargs):
    """ml.W001: there is no active model, or its artifact fails verification."""
    try:
        ModelVersion.objects.active().verify()
    except DatabaseError:
        return []  # not migrated yet: `migrate` itself runs the checks first
    except ModelUnavailable as exc:
        return [Warning(f"No usable active model: {exc}", hint=HINT, id="ml.W001")]
    return []
