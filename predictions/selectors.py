"""Read-side queries over the prediction log."""

from django.db.models import QuerySet

from predictions.models import Outcome, Prediction
from predictions.roles import VIEW_EVERY_PREDICTION


def prediction_list(*, user) -> QuerySet[Prediction]:
    """Answered predictions `user` may see: all with the permission, else their own."""
    rows = Prediction.objects.filter(outcome=Outcome.ANSWERED).select_related(
        "model_version"  # not "user": rows show the username they were written with
    )
    return rows if user.has_perm(VIEW_EVERY_PREDICTION) else rows.filter(user=user)


def recent_predictions(*, user, limit: int = 10) -> list[Prediction]:
    """A user's own latest answered predictions, newest first."""
    return list(
        Prediction.objects.filter(outcome=Outcome.ANSWERED, user=user).select_related(
            "model_version"
        )[:limit]
    )
