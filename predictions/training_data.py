"""The log as training data: recorded outcomes of served predictions.

``ML_OUTCOMES_SOURCE`` names ``outcome_rows``, which ``train_model
--with-outcomes`` calls (``ml.outcomes``: ``ml`` never imports this app).
"""

from django.db.models import Q

from ml import features as vocab
from ml.outcomes import OutcomeRows
from predictions.columns import Arm, Outcome
from predictions.recorded_outcomes import RecordedOutcome


def served(prefix: str = "") -> Q:
    """Rows whose answer was returned to someone: answered, by the active version
    or the candidate (or logged before arms were recorded), never a shadow's."""
    return Q(**{f"{prefix}outcome": Outcome.ANSWERED}) & (
        Q(**{f"{prefix}arm__in": [Arm.ACTIVE, Arm.CANDIDATE]})
        | Q(**{f"{prefix}arm__isnull": True})
    )


def outcome_rows() -> OutcomeRows:
    """Each recorded outcome of a served prediction, oldest first: the inputs
    from the log and the drug prescribed. One row per outcome (one per
    prediction, by the table's constraint)."""
    found = (
        RecordedOutcome.objects.filter(served("prediction__"), drug__in=vocab.LABELS)
        .order_by("recorded_at", "id")
        .values_list(
            *(f"prediction__{name}" for name in vocab.FIELDS), "drug", "recorded_at"
        )
    )
    records, labels, times = [], [], []
    for *inputs, drug, recorded_at in found.iterator():
        records.append(vocab.PatientRecord(*inputs))
        labels.append(drug)
        times.append(recorded_at)
    return OutcomeRows(tuple(records), tuple(labels), tuple(times))
