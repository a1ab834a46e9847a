"""Read-side queries over the prediction log."""

from django.db.models import QuerySet

from predictions.models import Arm, Outcome, Prediction
from predictions.roles import VIEW_EVERY_PREDICTION


def prediction_list(*, user) -> QuerySet[Prediction]:
    """Answered predictions `user` may see: all with the permission, else their own.
    A shadow's rows were never an answer to anyone: admin shows them, not this."""
    served = Prediction.objects.exclude(arm=Arm.SHADOW)
    rows = served.filter(outcome=Outcome.ANSWERED).select_related(
        "model_version",  # not "user": rows show the username they were written with
        "recorded_outcome",
    )
    return rows if user.has_perm(VIEW_EVERY_PREDICTION) else rows.filter(user=user)


def recent_predictions(*, user, limit: int = 10) -> list[Prediction]:
    """A user's own latest answered predictions, newest first."""
    rows = Prediction.objects.exclude(arm=Arm.SHADOW)  # never returned, not theirs
    return list(
        rows.filter(outcome=Outcome.ANSWERED, user=user).select_related(
            "model_version", "recorded_outcome"
        )[:limit]
    )
