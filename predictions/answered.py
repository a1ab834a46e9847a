"""One version's answers to a request's records, as the log rows that record
them: the served arm's and a shadow's are made alike (predictions.services)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from datetime import datetime
from functools import lru_cache, partial
from operator import attrgetter

from ml import features as vocab
from ml.models import ModelVersion
from ml.predictor import Predictor
from ml.results import Boundary, PredictionResult
from predictions.models import Channel, Outcome, Prediction

#: Each row's own columns, in the order ``own_values`` gives them.
OWN = (
    "item_index", *vocab.FIELDS, "drug", "probabilities", "explanation", "warnings",
    "near_boundary", "boundary", "prediction_set", "coverage", "counterfactual",
)  # fmt: skip
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
        each=map(partial(zip, OWN, strict=True), own),
    )
    return rows, elapsed


@lru_cache(maxsize=16)
def version_row(pk: int, version: str) -> ModelVersion:
    """The registry row a predictor serves, as its log rows' relation: made once
    per version (a model's ``__init__`` costs as much as a small request's rows),
    then only read."""
    return ModelVersion(id=pk, version=version)


def own_values(records: Sequence, results: Sequence) -> Iterator[tuple]:
    """Each row's own values in ``OWN`` order, made column by column; a list made
    once per answer the predictor shares (read only, as the results are)."""
    answers = list(zip(*results, strict=True)) or [()] * len(PredictionResult._fields)
    field = dict(zip(PredictionResult._fields, answers, strict=True))
    boundaries = field["boundary"]
    columns = (
        range(len(records)),
        *(list(map(attrgetter(name), records)) for name in vocab.FIELDS),
        field["drug"],
        field["probabilities"],
        list(map(list, field["explanation"])),
        shared_lists(field["warnings"]),
        [boundary is not None and boundary.near for boundary in boundaries],
        boundary_dicts(boundaries),
        shared_lists(field["prediction_set"]),
        field["coverage"],
        shared_lists(field["counterfactual"]),
    )
    return zip(*columns, strict=True)


def boundary_dicts(boundaries: Sequence) -> list[dict | None]:
    """Each boundary as a mapping, None for none; in C where every row has one."""
    as_pairs = partial(zip, BOUNDARY, strict=True)
    if None not in boundaries:
        return list(map(dict, map(as_pairs, boundaries)))
    return [None if b is None else dict(as_pairs(b)) for b in boundaries]


def shared_lists(values: Sequence) -> list[list]:
    """Each value as a list, one list per distinct object (`values` keeps each
    alive till then)."""
    ids = list(map(id, values))
    distinct = dict(zip(ids, values, strict=True))
    made = {key: list(value) for key, value in distinct.items()}
    return list(map(made.__getitem__, ids))
