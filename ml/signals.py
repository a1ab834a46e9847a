"""Forget loaded models when a test changes the settings they depend on."""

from django.core.signals import setting_changed
from django.dispatch import receiver

from ml.predictor import clear_cache


@receiver(setting_changed)
def reset_predictor(*, setting, **kwargs):
    if setting in {"ML_ARTIFACT_DIR", "ML_MODEL_REFRESH_SECONDS", "DATABASES"}:
        clear_cache()
