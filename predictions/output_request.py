"""A request's answers on the wire, from the log rows it has just written.

Each answer is ``predictions.output``'s; what is the request's rather than the
record's (``REQUEST_KEYS``) is read once, from its first row, and shared by the
others: in a batch of 1,000 that halves the cost of the answer.
"""

from __future__ import annotations

from collections.abc import Sequence

from predictions.models import Prediction
from predictions.output import PredictionSerializer

#: The same for every row one call of ``prediction_create`` returns: its time,
#: channel, caller and ids, the version that answered, and no recorded outcome
#: (none can be recorded before the row exists).
REQUEST_KEYS = frozenset(
    (
        "request_id",
        "correlation_id",
        "created_at",
        "channel",
        "user",
        "model_version",
        "recorded_outcome",
    )
)


def request_answers(rows: Sequence[Prediction]) -> list[dict]:
    """The answers of one request's new rows, in their order, keys as OUTPUT's."""
    serializer = PredictionSerializer()
    first = serializer.to_representation(rows[0])
    own = [(n, read) for n, read in serializer.readers() if n not in REQUEST_KEYS]
    names = [name for name, _ in own]
    reads = [read for _, read in own]
    answers = [first]
    for row in rows[1:]:
        answer = first.copy()  # the keys in OUTPUT's order, the request's values
        answer.update(zip(names, [read(row) for read in reads], strict=True))
        answers.append(answer)
    return answers
