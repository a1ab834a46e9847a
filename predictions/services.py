"""The only code that predicts and writes the prediction log.

Every answer served by any channel is written in the same transaction that
produces it: if the row cannot be written, no answer leaves the service.
"""

from __future__ import annotations

import json
import logging
from collections import Counter
from collections.abc import Sequence

from django.conf import settings
from django.db import DatabaseError
from django.utils import timezone

from ml import features as vocab
from ml.predictor import get_serving
from predictions import metrics
from predictions.answered import answer_rows
from predictions.audit.rowhash import row_hashes_set
from predictions.models import Arm, Channel, Outcome, Prediction
from predictions.origin import Origin

logger = logging.getLogger("drugsite.prediction")

RAW_INPUT_LIMIT = 4000  # characters of a rejected request kept for the auditors
SHADOW = Arm.SHADOW.value


class LogUnavailable(RuntimeError):
    """The prediction log cannot be written, so no prediction may be returned."""


def prediction_create(
    *, records: Sequence[vocab.PatientRecord], channel: Channel, origin: Origin
) -> list[Prediction]:
    """Predict for each record and log one row per answer, all or nothing.

    The arm (the active version, or the candidate for its share of requests) is
    chosen from the caller's correlation id, else the request id, so a retried
    request gets the same one; a batch goes to one arm whole. A shadow's answers
    are logged in the same INSERT (arm shadow) and never returned.
    """
    serving = get_serving()
    arm, predictor = serving.choose(origin.correlation_id or origin.request_id)
    now = timezone.now()  # one request, one time
    who = origin.columns()
    served, elapsed = answer_rows(predictor, records, arm, channel, now, who)
    rows = served
    if serving.shadow is not None:
        shadow = answer_rows(serving.shadow, records, SHADOW, channel, now, who)[0]
        rows = served + shadow
    row_hashes_set(rows)
    try:
        Prediction.objects.insert_many(rows)
    except DatabaseError as exc:
        logger.error(
            "prediction log write failed", extra={"request_id": origin.request_id}
        )
        raise LogUnavailable(
            "The prediction could not be recorded in the audit log, so it was not "
            "returned. Try again shortly."
        ) from exc
    observe(served, channel, predictor.version, elapsed, origin)
    return served


def observe(
    rows: list[Prediction], channel: str, version: str, elapsed_ns: int, origin: Origin
) -> None:
    """Count the answers for Prometheus and write one log line for them."""
    for drug, count in Counter(row.drug for row in rows).items():
        metrics.inc(metrics.PREDICTIONS, drug, channel, version, amount=count)
    metrics.observe(metrics.LATENCY, elapsed_ns / 1e9, channel)
    if not logger.isEnabledFor(logging.INFO):
        return
    extra = {
        "request_id": origin.request_id,
        "correlation_id": origin.correlation_id or None,
        "channel": channel,
        "user": rows[0].user_id,
        "count": len(rows),
        "model_version": version,
        "first_id": rows[0].pk,
        "model_us": elapsed_ns // 1000,
    }
    if settings.DRUGSITE_LOG_PATIENT_DATA:
        extra["inputs"] = [[getattr(r, name) for name in vocab.FIELDS] for r in rows]
        extra["drugs"] = [r.drug for r in rows]
    logger.info("prediction", extra=extra)


def storable(value):
    """JSON as every database keeps it: PostgreSQL's jsonb refuses NUL characters."""
    if isinstance(value, str):
        return value.replace("\x00", "\ufffd")
    if isinstance(value, list):
        return [storable(item) for item in value]
    if isinstance(value, dict):
        return {storable(key): storable(item) for key, item in value.items()}
    return value


def prediction_reject(
    *, data: object, errors: object, channel: Channel, origin: Origin
) -> Prediction:
    """Record a rejected request (bad input) for the auditors; never an answer."""
    raw = storable(json.loads(json.dumps(data, default=str)))
    if len(json.dumps(raw)) > RAW_INPUT_LIMIT:
        raw = {"truncated": json.dumps(raw)[:RAW_INPUT_LIMIT]}
    errors = storable(json.loads(json.dumps(errors, default=str)))
    row = Prediction(
        channel=channel,
        outcome=Outcome.REJECTED,
        **origin.columns(),
        raw_input=raw,
        errors=errors,
    )
    row_hashes_set([row])
    try:
        row.save(force_insert=True)
    except DatabaseError as exc:
        raise LogUnavailable("The rejected request could not be recorded.") from exc
    metrics.inc(metrics.REJECTED, channel)
    logger.info(
        "rejected",
        extra={
            "request_id": origin.request_id,
            "correlation_id": origin.correlation_id or None,
            "channel": channel,
            "user": row.user_id,
        },
    )
    return row
