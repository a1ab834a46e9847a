"""The model registry in admin: read-only, but for the changes of what serves,
each made by a Model manager with a reason (ml.admin_changes)."""

from django.contrib import admin, messages
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

from ml.admin_changes import ReasonForm, ShareForm, change_step
from ml.changes import rollout_state
from ml.models import ModelVersion
from ml.registry import (
    model_version_activate,
    model_version_rollback,
    model_version_rollout,
)

CHANGES = ("activate", "rollback", "make_candidate", "shadow", "retire")


@admin.register(ModelVersion)
class ModelVersionAdmin(admin.ModelAdmin):
    """Read-only registry; its changes are the actions, each asking why."""

    list_display = (
        "version",
        "is_active",
        "serving",
        "cv_accuracy",
        "created_at",
        "trained_by",
        "model_card",
    )
    list_filter = ("is_active", "rollout")
    search_fields = ("version", "sha256", "trained_by")
    date_hierarchy = "created_at"
    actions = CHANGES
    readonly_fields = (
        "version",
        "model_card",
        "is_active",
        "activated_at",
        "rollout",
        "traffic_percent",
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

    @admin.display(description="Serving", ordering="rollout")
    def serving(self, obj: ModelVersion) -> str:
        """Active, the candidate with its share, in shadow, or "-"."""
        if obj.is_active:
            return "active"
        return rollout_state(obj.rollout, obj.traffic_percent) if obj.rollout else "-"

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
        def apply(row, *, user, reason) -> str:
            model_version_activate(version=row.version, reason=reason, user=user)
            return f"Model {row.version} is now active."

        return change_step(self, request, queryset, verb="activate", apply=apply)

    @admin.action(
        description="Roll back to the previous version (select the active one)",
        permissions=["activate"],
    )
    def rollback(self, request, queryset):
        if queryset.filter(is_active=False).exists():
            self.message_user(
                request, "Select the active version to roll it back.", messages.ERROR
            )
            return None

        def apply(row, *, user, reason) -> str:
            back = model_version_rollback(reason=reason, user=user)
            return f"Rolled back from {row.version} to {back.version}."

        return change_step(self, request, queryset, verb="roll back", apply=apply)

    @admin.action(
        description="Make the candidate, with a share of traffic",
        permissions=["activate"],
    )
    def make_candidate(self, request, queryset):
        return self.rollout_step(request, queryset, "candidate", "make the candidate")

    @admin.action(description="Put in shadow", permissions=["activate"])
    def shadow(self, request, queryset):
        return self.rollout_step(request, queryset, "shadow", "put in shadow")

    @admin.action(description="Take out of rollout", permissions=["activate"])
    def retire(self, request, queryset):
        return self.rollout_step(request, queryset, "none", "take out of rollout")

    def rollout_step(self, request, queryset, mode: str, verb: str):
        def apply(row, *, user, reason, traffic_percent=0) -> str:
            done = model_version_rollout(
                version=row.version,
                mode=mode,
                traffic_percent=traffic_percent,
                reason=reason,
                user=user,
            )
            state = rollout_state(done.rollout, done.traffic_percent)
            return f"Model {done.version} is now {state}."

        form_class = ShareForm if mode == "candidate" else ReasonForm
        return change_step(
            self, request, queryset, verb=verb, apply=apply, form_class=form_class
        )

    def has_activate_permission(self, request) -> bool:
        """The Model managers' permission (created with the roles, by string here)."""
        return request.user.has_perm("ml.activate_modelversion")

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
