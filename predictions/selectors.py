"""Read-side queries over the prediction log."""

from django.db.models import QuerySet

from predictions.models import Outcome, Prediction


def prediction_list(*, user) -> QuerySet[Prediction]:
    """Answered predictions visible to `user`: staff see all, others their own."""
    rows = Prediction.objects.filter(outcome=Outcome.ANSWERED).select_related(
        "model_version", "user"
    )
    return rows if user.is_staff else rows.filter(user=user)


def recent_predictions(*, user, limit: int = 10) -> list[Prediction]:
    """A user's own latest answered predictions, newest first."""
    return list(
        Prediction.objects.filter(outcome=Outcome.ANSWERED, user=user).select_related(
            "model_version"
        )[:limit]
    )
