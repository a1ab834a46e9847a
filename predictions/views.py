"""The staff prescription form. Thin: validate, call the service, render."""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from ml import ModelUnavailable
from ml import features as vocab
from ml.reference import TUTORIAL_DEFAULT
from predictions.answer_view import answer_read
from predictions.errors import public_message
from predictions.forms import PredictionForm
from predictions.models import Arm, Channel, Outcome, Prediction
from predictions.notices import INTENDED_USE
from predictions.origin import origin_of
from predictions.roles import PREDICT
from predictions.selectors import recent_predictions
from predictions.services import LogUnavailable, prediction_create, prediction_reject


@login_required
@permission_required(PREDICT, raise_exception=True)  # signed in: 403 page
@require_http_methods(["GET", "POST"])
def prescription_form(request):
    """Show the form; on a valid POST predict, log, and redirect to the answer."""
    if request.method == "POST":
        form = PredictionForm(request.POST)
        if form.is_valid():
            try:
                (row,) = prediction_create(
                    records=[form.record()],
                    channel=Channel.FORM,
                    origin=origin_of(request),
                )
            except (ModelUnavailable, LogUnavailable) as exc:
                return page(request, form, error=public_message(exc), status=503)
            return redirect(f"{reverse('predictions:form')}?shown={row.pk}")
        data = {k: v for k, v in request.POST.items() if k != "csrfmiddlewaretoken"}
        try:
            prediction_reject(
                data=data,
                errors=form.errors.get_json_data(),
                channel=Channel.FORM,
                origin=origin_of(request),
            )
        except LogUnavailable as exc:
            return page(request, form, error=public_message(exc), status=503)
        return page(request, form, status=400)
    shown, shown_id = None, request.GET.get("shown", "")
    if shown_id.isascii() and shown_id.isdigit():
        shown = get_object_or_404(
            Prediction.objects.exclude(arm=Arm.SHADOW),  # never an answer
            pk=shown_id,
            user=request.user,
            outcome=Outcome.ANSWERED,
        )
    initial = (
        {name: getattr(shown, name) for name in vocab.FIELDS}
        if shown
        else TUTORIAL_DEFAULT.as_fields()
    )
    return page(request, PredictionForm(initial=initial), shown=shown)


def page(request, form, *, shown=None, error=None, outcome_error=None, status=200):
    context = {
        "form": form,
        "shown": shown,
        "answer": answer_read(shown) if shown else None,
        "error": error,
        "outcome_error": outcome_error,  # recording a prescribed drug failed
        "recent": recent_predictions(user=request.user),
        "intended_use": INTENDED_USE,
    }
    return render(request, "predictions/form.html", context, status=status)
