"""The change steps of the registry in admin, and their history.

Each change (activate, roll back, candidate, shadow, retire) asks for a reason,
and a candidate for its share, on a page of its own before it is made, as
Django's own "delete selected" asks for a confirmation; the history of changes
is read-only for everyone (the database refuses UPDATE and DELETE anyway).
"""

from collections.abc import Callable

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.template.response import TemplateResponse

from ml.exceptions import ModelChangeRefused, ModelUnavailable
from ml.models import ModelChange

TEMPLATE = "admin/ml/model_change.html"


class ReasonForm(forms.Form):
    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
        help_text="Why, in your own words: kept in the change history for good.",
    )


class ShareForm(ReasonForm):
    traffic_percent = forms.IntegerField(
        min_value=0,
        max_value=100,
        label="Share of live requests (%)",
        help_text="0 to 100: the share of requests the candidate answers.",
    )


def change_step(
    model_admin: admin.ModelAdmin,
    request,
    queryset,
    *,
    verb: str,
    apply: Callable[..., str],
    form_class: type[ReasonForm] = ReasonForm,
):
    """Ask for the reason on its own page, then `apply` the change to the one
    selected version; a refusal comes back as an error message, nothing changed."""
    if queryset.count() != 1:
        model_admin.message_user(
            request, f"Select exactly one version to {verb}.", messages.ERROR
        )
        return None
    row = queryset.get()
    form = form_class(request.POST if "apply" in request.POST else None)
    if not form.is_valid():
        context = {
            **model_admin.admin_site.each_context(request),
            "title": f"{verb[:1].upper()}{verb[1:]}: {row.version}",
            "form": form,
            "row": row,
            "action": request.POST["action"],
            "opts": model_admin.opts,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, TEMPLATE, context)
    try:
        done = apply(row, user=request.user, **form.cleaned_data)
    except (ModelUnavailable, ModelChangeRefused) as exc:
        model_admin.message_user(request, str(exc), messages.ERROR)
        return None
    model_admin.message_user(request, done, messages.SUCCESS)
    return None


@admin.register(ModelChange)
class ModelChangeAdmin(admin.ModelAdmin):
    """The history of what served: who changed it, when, from what, and why."""

    list_display = (
        "created_at",
        "action",
        "version",
        "previous",
        "traffic_percent",
        "username",
        "reason",
    )
    list_filter = ("action", "created_at")
    search_fields = ("version__version", "username", "reason")
    date_hierarchy = "created_at"
    list_select_related = ("version", "previous")
    readonly_fields = (*list_display, "user")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
