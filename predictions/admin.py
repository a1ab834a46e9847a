"""The audit log in admin: browsable and exportable, never editable."""

import csv
import json

from django.contrib import admin
from django.http import HttpResponse

from ml import features as vocab
from predictions.models import Prediction

#: The head of every row, then the features (ml.features), then every other
#: column of the model: a column added to Prediction is exported without an edit.
HEAD = ("id", "created_at", "outcome", "channel", "user", "request_id", "item_index")
EXPORT_FIELDS = (*HEAD, *vocab.FIELDS)
EXPORT_FIELDS += tuple(
    field.name
    for field in Prediction._meta.concrete_fields
    if field.name not in EXPORT_FIELDS
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
    search_fields = ("request_id", "user__username", "drug")
    date_hierarchy = "created_at"
    list_select_related = ("user", "model_version")
    readonly_fields = EXPORT_FIELDS[1:]
    actions = ("export_csv",)
    list_per_page = 50

    @admin.action(description="Export the selected rows as CSV", permissions=["view"])
    def export_csv(self, request, queryset):
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="predictions.csv"'
        writer = csv.writer(response)
        writer.writerow(EXPORT_FIELDS)
        for row in queryset.select_related("user", "model_version").order_by("id"):
            writer.writerow(
                [csv_value(export_value(row, name)) for name in EXPORT_FIELDS]
            )
        return response

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


def export_value(row: Prediction, name: str):
    """A field as auditors read it: names for relations, JSON for structures."""
    if name == "model_version":
        return row.model_version.version if row.model_version_id else None
    if name == "user":
        return row.user.get_username() if row.user_id else None
    value = getattr(row, name)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False)
    if name == "created_at":
        return value.isoformat()
    return value


def csv_value(value) -> str:
    """One cell; guards against spreadsheet formula injection."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
