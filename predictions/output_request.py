"""A request's answers on the wire, from the log rows it has just written.

Each answer is ``predictions.output``'s; what is the request's rather than the
record's (``REQUEST_KEYS``) is read once, from its first row, and shared by the
others: in a batch of 1,000 that halves the cost of the answer. The others are
made column by column (``column``), where OUTPUT's readers are lambdas in C.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from operator import attrgetter

from ml import features as vocab
from predictions.models import Prediction
from predictions.output import PredictionSerializer, patient_of

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
    """The answers of one request's new rows, in their order, keys as OUTPUT's:
    each the first's copy (the keys in order, the request's values) updated
    with its own values, read column by column."""
    serializer = PredictionSerializer()
    first = serializer.to_representation(rows[0])
    own = [(n, r) for n, r in serializer.readers() if n not in REQUEST_KEYS]
    names = [name for name, _ in own]
    columns = [column(name, read, rows[1:]) for name, read in own]
    answers = [first]
    for values in zip(*columns, strict=True):
        answer = first.copy()
        answer.update(zip(names, values, strict=True))
        answers.append(answer)
    return answers


def column(name: str, read: Callable, rows: Sequence[Prediction]) -> list:
    """A key's value in each row's answer: ``read`` of each row, written here in
    C where OUTPUT's reader is a lambda or a property (the same values)."""
    if name == "input":
        return list(map(dict, map(patient_answer, map(patient_of, rows))))
    if name == "id":
        return list(map(attrgetter(Prediction._meta.pk.attname), rows))
    if name == "probability":
        probabilities = map(attrgetter("probabilities"), rows)
        return list(map(dict.get, probabilities, map(attrgetter("drug"), rows)))
    return list(map(read, rows))


patient_answer = partial(zip, vocab.FIELDS, strict=True)
