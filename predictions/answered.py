"""One version's answers to a request's records, as the log rows that record
them: the served arm's and a shadow's are made alike (predictions.services)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime

from ml import features as vocab
from ml.models import ModelVersion
from ml.predictor import Predictor
from predictions.models import Channel, Outcome, Prediction


def answer_rows(
    predictor: Predictor,
    records: Sequence[vocab.PatientRecord],
    arm: str,
    channel: Channel,
    now: datetime,
    who: dict,
) -> tuple[list[Prediction], int]:
    """One version's answers as unsaved log rows, and its model time in ns."""
    started = time.perf_counter_ns()
    results = predictor.predict(records)
    elapsed = time.perf_counter_ns() - started
    model_version = ModelVersion(id=predictor.id, version=predictor.version)
    latency = elapsed // 1000 // max(len(records), 1)
    rows = [
        Prediction.new(
            created_at=now,
            channel=channel,
            outcome=Outcome.ANSWERED,
            **who,
            item_index=index,
            **record.as_fields(),
            drug=result.drug,
            probabilities=result.probabilities,
            model_version=model_version,
            arm=arm,
            explanation=list(result.explanation),
            warnings=list(result.warnings),
            near_boundary=result.near_boundary,
            boundary=result.boundary._asdict() if result.boundary else None,
            prediction_set=list(result.prediction_set),
            coverage=result.coverage,
            counterfactual=list(result.counterfactual),
            latency_us=latency,
        )
        for index, (record, result) in enumerate(zip(records, results, strict=True))
    ]
    return rows, elapsed
