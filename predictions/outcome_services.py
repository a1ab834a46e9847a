"""Record the drug actually prescribed for a logged prediction: the one writer of
RecordedOutcome, for the form, admin and the API alike.

Once per prediction: the table's one-to-one constraint decides, so two people
recording at the same moment get one success and one conflict naming the first,
never two rows. The audit row itself is never touched.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import QuerySet

from predictions.models import Arm, Outcome, Prediction, RecordedOutcome
from predictions.roles import VIEW_OUTCOMES


class OutcomeError(Exception):
    """An outcome that cannot be recorded; ``status`` is its HTTP status and
    ``field`` the argument at fault (None: the request as a whole)."""

    status = 400
    field: str | None = None


class PredictionNotFound(OutcomeError):
    """No such answered prediction that this account may record an outcome for."""

    status = 404
    field = "prediction"

    def __init__(self, prediction_id: object, what: str = "") -> None:
        super().__init__(
            what
            or f"No answered prediction {prediction_id} that this account "
            "may record an outcome for."
        )


class DrugNotAllowed(OutcomeError):
    """The drug is not one the prediction's model could have suggested."""

    field = "drug"

    def __init__(self, drug: object, allowed: list[str]) -> None:
        self.allowed = allowed
        super().__init__(
            f"Drug {drug!r} is not allowed: use one of {', '.join(allowed)}."
        )


class OutcomeExists(OutcomeError):
    """An outcome is already recorded for the prediction; ``first`` is it."""

    status = 409

    def __init__(self, first: RecordedOutcome) -> None:
        self.first = first
        when = first.recorded_at.isoformat().replace("+00:00", "Z")
        super().__init__(
            f"An outcome is already recorded for prediction {first.prediction_id}: "
            f"{first.drug}, by {first.username or 'an unknown account'} at {when}."
        )


MAX_ID = 2**63 - 1  # the log's ids are 64-bit


def in_range(prediction_id: int) -> bool:
    """Whether a log row could have this id: a database refuses to compare a
    column with a number out of its range."""
    return 0 < prediction_id <= MAX_ID


def recordable_predictions(*, user) -> QuerySet[Prediction]:
    """Rows `user` may record an outcome for: answered, served (never a shadow's
    answer), and their own; a superuser's, anyone's."""
    rows = Prediction.objects.filter(outcome=Outcome.ANSWERED).exclude(arm=Arm.SHADOW)
    return rows if user.is_superuser else rows.filter(user_id=user.pk)


def allowed_drug(drug: object, classes: list[str]) -> str:
    """`drug` as the model spells it (case aside), or DrugNotAllowed naming them."""
    if isinstance(drug, str):
        if drug in classes:
            return drug
        folded = [name for name in classes if name.casefold() == drug.casefold()]
        if len(folded) == 1:
            return folded[0]
    raise DrugNotAllowed(drug, list(classes))


def outcome_record(
    *, prediction_id: int, drug: object, user, source: RecordedOutcome.Source
) -> RecordedOutcome:
    """Record that `drug` was prescribed after prediction `prediction_id`.

    PredictionNotFound (404) for an unknown id or a row that is not the user's;
    DrugNotAllowed (400) unless `drug` is a class of the model that answered;
    OutcomeExists (409) if one is recorded already, decided by the database.
    """
    if not in_range(prediction_id):
        raise PredictionNotFound(prediction_id)
    prediction = (
        recordable_predictions(user=user)
        .select_related("model_version")
        .filter(pk=prediction_id)
        .first()
    )
    if prediction is None:
        raise PredictionNotFound(prediction_id)
    drug = allowed_drug(drug, prediction.model_version.classes)
    try:
        with transaction.atomic():
            return RecordedOutcome.objects.create(
                prediction=prediction,
                drug=drug,
                source=source,
                user=user,
                username=user.get_username(),
            )
    except IntegrityError:
        first = RecordedOutcome.objects.filter(prediction_id=prediction.pk).first()
        if first is None:  # some other constraint: not a second outcome
            raise
        raise OutcomeExists(first) from None


def outcome_get(*, prediction_id: int, user) -> RecordedOutcome:
    """The outcome recorded for a prediction `user` may see: their own, or any
    with the view permission (Auditors); PredictionNotFound otherwise, or if
    none is recorded."""
    found = RecordedOutcome.objects.filter(prediction_id=prediction_id)
    if not user.has_perm(VIEW_OUTCOMES):
        found = found.filter(prediction__user_id=user.pk)
    outcome = found.first() if in_range(prediction_id) else None
    if outcome is None:
        raise PredictionNotFound(
            prediction_id,
            f"No outcome recorded for prediction {prediction_id} "
            "that this account may see.",
        )
    return outcome
