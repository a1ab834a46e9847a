"""The audit log in admin: browsable and exportable, never editable."""

import csv

from django.contrib import admin
from django.http import HttpResponse

from predictions.models import Prediction

EXPORT_FIELDS = (
    "id",
    "created_at",
    "outcome",
    "channel",
    "user",
    "request_id",
    "item_index",
    "age",
    "sex",
    "bp",
    "cholesterol",
    "na_to_k",
    "drug",
    "probabilities",
    "model_version",
    "near_boundary",
    "explanation",
    "warnings",
    "latency_us",
    "errors",
    "raw_input",
)


@admin.register(Prediction)
class PredictionAdmin(admin.ModelAdmin):
    list_display = (
        "id",
        "created_at",
        "outcome",
        "channel",
        "user",
        "drug",
        "age",
        "sex",
        "bp",
        "cholesterol",
        "na_to_k",
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
    search_fields = ("request_id", "user__username", "drug")
    date_hierarchy = "created_at"
    list_select_related = ("user", "model_version")
    readonly_fields = (*EXPORT_FIELDS[1:], "boundary")
    actions = ("export_csv",)
    list_per_page = 50

    @admin.action(description="Export the selected rows as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="predictions.csv"'
        writer = csv.writer(response)
        writer.writerow(EXPORT_FIELDS)
        for row in queryset.select_related("user", "model_version").order_by("id"):
            writer.writerow([csv_value(getattr(row, name)) for name in EXPORT_FIELDS])
        return response

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def csv_value(value) -> str:
    """One cell; guards against spreadsheet formula injection."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text
