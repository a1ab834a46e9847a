"""The audit log in admin: browsable and exportable, never editable."""

from django.contrib import admin

from ml import features as vocab
from predictions import token_admin  # noqa: F401  (API tokens: revoke, never see)
from predictions.export import EXPORT_FIELDS, csv_response
from predictions.models import Prediction


@admin.register(Prediction)
class PredictionAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "outcome",
        "channel",
        "username",
        "auth_method",
        "drug",
        *vocab.FIELDS,
        "model_version",
        "near_boundary",
    )
    list_filter = (
        "outcome",
        "drug",
        "channel",
        "model_version",
        "near_boundary",
        "created_at",
    )
    search_fields = ("request_id", "correlation_id", "username", "drug")
    date_hierarchy = "created_at"
    list_select_related = ("model_version",)
    readonly_fields = EXPORT_FIELDS[1:]
    actions = ("export_csv",)
    list_per_page = 50

    @admin.action(description="Export the selected rows as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        return csv_response(queryset)  # streamed: see predictions.export

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
