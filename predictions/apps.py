from django.apps import AppConfig
from django.db.models.signals import post_migrate


class PredictionsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "predictions"
    verbose_name = "Prescription suggestions"

    def ready(self) -> None:
        from predictions import signals  # noqa: F401  (registers the receivers)
        from predictions.audit.triggers import triggers_reinstall

        post_migrate.connect(triggers_reinstall, sender=self)
