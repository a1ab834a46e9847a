from django.apps import AppConfig


class MlConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ml"
    verbose_name = "Machine learning"

    def ready(self) -> None:
        from ml import checks, signals  # noqa: F401  (registers checks and receivers)
