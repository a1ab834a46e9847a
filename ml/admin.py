from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from ml.exceptions import ModelUnavailable
from ml.models import ModelVersion
from ml.registry import model_version_activate


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    """Read-only registry; the only change an admin can make is activation."""

    list_display = (
        "version",
        "is_active",
        "cv_accuracy",
        "created_at",
        "trained_by",
        "model_card",
    )
    list_filter = ("is_active",)
    search_fields = ("version", "sha256", "trained_by")
    date_hierarchy = "created_at"
    actions = ("activate",)
    readonly_fields = (
        "version",
        "model_card",
        "is_active",
        "activated_at",
        "artifact_path",
        "sha256",
        "classes",
        "feature_schema",
        "metrics",
        "manifest",
        "trained_by",
        "created_at",
        "registered_at",
    )

    @admin.display(description="CV accuracy")
    def cv_accuracy(self, obj: ModelVersion) -> str:
        return "-" if obj.cv_accuracy is None else f"{obj.cv_accuracy:.4f}"

    @admin.display(description="Model card")
    def model_card(self, obj: ModelVersion) -> str:
        """A link to the version's card (the product's page, reversed by its name)."""
        try:
            url = reverse("predictions:model-card", args=[obj.version])
        except NoReverseMatch:  # ml without the product's URLs
            return "-"
        return format_html('<a href="{}">Model card</a>', url)

    @admin.action(description="Activate the selected version", permissions=["activate"])
    def activate(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(
                request, "Select exactly one version to activate.", messages.ERROR
            )
            return
        try:
            version = model_version_activate(version=queryset.get().version)
        except ModelUnavailable as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        self.message_user(
            request, f"Model {version.version} is now active.", messages.SUCCESS
        )

    def has_activate_permission(self, request) -> bool:
        """The Model managers' permission (created with the roles, by string here)."""
        return request.user.has_perm("ml.activate_modelversion")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
