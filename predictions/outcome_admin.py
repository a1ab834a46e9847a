"""Recorded outcomes in admin: read-only, except recording a new one.

Adding is a form of two fields (the prediction's id and the drug) that calls
predictions.outcome_services like the API and the form do; the source (admin),
who and when are filled in. Nobody changes or deletes an outcome here (nor can
anyone in the database: it is append-only). Each prediction's page says what
was prescribed, or links to the form.
"""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from ml import features as vocab
from predictions.models import Arm, Outcome, Prediction, RecordedOutcome
from predictions.outcome_services import OutcomeError, outcome_record


class OutcomeAddForm(forms.Form):
    prediction = forms.IntegerField(
        min_value=1, label="Prediction", help_text="The prediction log row's id."
    )
    drug = forms.ChoiceField(
        choices=[(drug, drug) for drug in vocab.LABELS],
        help_text="The drug prescribed: one of the answering model's classes.",
    )


@admin.register(RecordedOutcome)
class RecordedOutcomeAdmin(admin.ModelAdmin):
    list_display = ("id", "prediction_link", "drug", "predicted", "recorded_at")
    list_display += ("username", "source")
    # Exact matches on indexes, no facet counts: the log's rule (admin.py).
    list_filter = ("source", "recorded_at")
    search_fields = ("=prediction__id", "username__exact")
    show_facets = admin.ShowFacets.NEVER
    list_select_related = ("prediction",)
    fields = ("prediction_link", "predicted", "drug", "recorded_at", "username")
    fields += ("source",)
    readonly_fields = fields

    @admin.display(description="Prediction", ordering="prediction_id")
    def prediction_link(self, obj: RecordedOutcome) -> str:
        url = reverse("admin:predictions_prediction_change", args=[obj.prediction_id])
        return format_html('<a href="{}">#{}</a>', url, obj.prediction_id)

    @admin.display(description="Suggested")
    def predicted(self, obj: RecordedOutcome) -> str:
        return obj.prediction.drug

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def add_view(self, request, form_url="", extra_context=None):
        """The two-field form; the service decides, its errors land on the form."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        initial = {"prediction": request.GET.get("prediction")}
        form = OutcomeAddForm(request.POST or None, initial=initial)
        if form.is_valid():
            try:
                outcome = outcome_record(
                    prediction_id=form.cleaned_data["prediction"],
                    drug=form.cleaned_data["drug"],
                    user=request.user,
                    source=RecordedOutcome.Source.ADMIN,
                )
            except OutcomeError as exc:
                form.add_error(exc.field, str(exc))
            else:
                self.log_addition(request, outcome, [{"added": {}}])
                self.message_user(request, f"Recorded: {outcome}.", messages.SUCCESS)
                return redirect("admin:predictions_recordedoutcome_changelist")
        context = {
            **self.admin_site.each_context(request),
            "title": "Record the drug prescribed",
            "opts": self.opts,
            "form": form,
        }
        status = 400 if form.is_bound else 200
        return TemplateResponse(
            request, "admin/predictions/outcome_add.html", context, status=status
        )


@admin.display(description="Drug prescribed")
def prescribed(prediction: Prediction) -> str:
    """For a prediction's admin page: its outcome, or a link to record one."""
    outcome = RecordedOutcome.objects.filter(prediction=prediction).first()
    if outcome is not None:
        url = reverse("admin:predictions_recordedoutcome_change", args=[outcome.pk])
        return format_html(
            '<a href="{}">{}</a>, recorded by {} at {} UTC ({})',
            url,
            outcome.drug,
            outcome.username,
            outcome.recorded_at.strftime("%Y-%m-%d %H:%M"),
            outcome.get_source_display(),
        )
    if prediction.outcome != Outcome.ANSWERED or prediction.arm == Arm.SHADOW:
        return "—"
    url = reverse("admin:predictions_recordedoutcome_add")
    return format_html(
        'None yet. <a href="{}?prediction={}">Record it</a>', url, prediction.pk
    )
