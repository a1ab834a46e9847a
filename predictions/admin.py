"""The audit log in admin: browsable and exportable, never editable."""

from django.contrib import admin

from ml import features as vocab
from predictions import token_admin  # noqa: F401  (API tokens: revoke, never see)
from predictions.export import EXPORT_FIELDS, csv_response
from predictions.models import Prediction
from predictions.outcome_admin import prescribed  # registers RecordedOutcome too
from predictions.pagination import EstimatedCountPaginator

#: The admin index links the dashboard for those who may see it.
admin.site.index_template = "admin/drugsite_index.html"


class DrugFilter(admin.SimpleListFilter):
    """The model's drugs, from the vocabulary: Django's own filter would list the
    drugs in the log with a SELECT DISTINCT over every row."""

    title = "drug"
    parameter_name = "drug"

    def lookups(self, request, model_admin):
        return [(label, label) for label in vocab.LABELS]

    def queryset(self, request, queryset):
        return queryset.filter(drug=self.value()) if self.value() else queryset


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
        "arm",
        "near_boundary",
    )
    list_filter = (
        "outcome",
        DrugFilter,
        "channel",
        "model_version",
        "arm",
        "near_boundary",
        "created_at",
    )
    # Millions of rows (docs/scale.md): exact matches, each on an index; no
    # COUNT(*) of the whole log, no facet counts, and no date_hierarchy (it lists
    # the years and months present with a SELECT DISTINCT over every row): the
    # created_at filter and the API's created_after/before pick dates instead.
    search_fields = ("request_id__exact", "correlation_id__exact", "username__exact")
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    show_facets = admin.ShowFacets.NEVER
    list_select_related = ("model_version",)
    readonly_fields = (*EXPORT_FIELDS[1:], prescribed)
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
