"""One version's answers to a request's records, as the log rows that record
them: the served arm's and a shadow's are made alike (predictions.services)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache
from operator import attrgetter

from ml import features as vocab
from ml.models import ModelVersion
from ml.predictor import Predictor
from ml.results import Boundary
from predictions.models import Channel, Outcome, Prediction

#: Each row's own columns, in the order ``own_values`` gives them.
OWN = (
    "item_index", *vocab.FIELDS, "drug", "probabilities", "explanation", "warnings",
    "near_boundary", "boundary", "prediction_set", "coverage", "counterfactual",
)  # fmt: skip
patient_of = attrgetter(*vocab.FIELDS)
BOUNDARY = Boundary._fields


def answer_rows(
    predictor: Predictor,
    records: Sequence[vocab.PatientRecord],
    arm: str,
    channel: Channel,
    now: datetime,
    who: dict,
) -> tuple[list[Prediction], int]:
    """One version's answers as unsaved log rows, and its model time in ns.

    What is one request's is given to its rows once, and answers the predictor
    shares between records (a leaf's probabilities, an empty list of warnings)
    stay shared by their rows: each is then hashed and written once."""
    started = time.perf_counter_ns()
    results = predictor.predict(records)
    elapsed = time.perf_counter_ns() - started
    common = {
        "created_at": now,
        "channel": channel,
        "outcome": Outcome.ANSWERED,
        **who,
        "arm": arm,
        "latency_us": elapsed // 1000 // max(len(records), 1),
    }
    user = common.pop("user")
    own = own_values(records, results)
    rows = Prediction.new_rows(
        user=user,
        model_version=version_row(predictor.id, predictor.version),
        common=common,
        each=(zip(OWN, values, strict=True) for values in own),
    )
    return rows, elapsed


@lru_cache(maxsize=16)
def version_row(pk: int, version: str) -> ModelVersion:
    """The registry row a predictor serves, as its log rows' relation: made once
    per version (a model's ``__init__`` costs as much as a small request's rows),
    then only read."""
    return ModelVersion(id=pk, version=version)


def own_values(records: Sequence, results: Sequence):
    """Each row's own values in ``OWN`` order; a list made once per answer the
    predictor shares."""
    as_list: dict[int, list] = {}

    def shared(value) -> list:
        made = as_list.get(id(value))  # the results keep `value` alive till then
        if made is None:
            made = as_list[id(value)] = list(value)
        return made

    for index, (record, result) in enumerate(zip(records, results, strict=True)):
        boundary = result.boundary
        yield (
            index,
            *patient_of(record),
            result.drug,
            result.probabilities,
            list(result.explanation),
            shared(result.warnings),
            boundary is not None and boundary.near,
            None if boundary is None else dict(zip(BOUNDARY, boundary, strict=True)),
            shared(result.prediction_set),
            result.coverage,
            shared(result.counterfactual),
        )
