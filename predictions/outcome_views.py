"""The form's history records what was prescribed: one small POST per row.

Thin: the service decides (predictions.outcome_services); a refusal is shown
plainly above the history with its status (400 unknown drug, 404 not yours,
409 recorded already), a success goes back to the history.
"""

from django.contrib.auth.decorators import login_required, permission_required
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from ml.reference import TUTORIAL_DEFAULT
from predictions.forms import PredictionForm
from predictions.models import RecordedOutcome
from predictions.outcome_services import OutcomeError, outcome_record
from predictions.roles import RECORD_OUTCOMES
from predictions.views import page


@login_required
@permission_required(RECORD_OUTCOMES, raise_exception=True)  # signed in: 403 page
@require_POST
def record_outcome(request, pk: int):
    """Record the drug prescribed after prediction `pk`, then show the history."""
    try:
        outcome_record(
            prediction_id=pk,
            drug=request.POST.get("drug"),
            user=request.user,
            source=RecordedOutcome.Source.FORM,
        )
    except OutcomeError as exc:
        form = PredictionForm(initial=TUTORIAL_DEFAULT.as_fields())
        return page(request, form, outcome_error=str(exc), status=exc.status)
    return redirect(f"{reverse('predictions:form')}#prescribed-{pk}")
