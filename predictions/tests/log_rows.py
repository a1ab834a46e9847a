"""Rows of the log made as the service makes them (``Prediction.new``, row
hashes, ``insert_many``), with the inputs, arm, outcome and time a test needs."""

import random
import uuid
from datetime import datetime

from django.utils import timezone

from ml import features as vocab
from ml.dataset import load_dataset
from predictions.audit.rowhash import row_hashes_set
from predictions.models import Arm, AuthMethod, Channel, Outcome, Prediction
from predictions.recorded_outcomes import RecordedOutcome


def log_rows(
    version,
    records,
    *,
    arm: str | None = Arm.ACTIVE,
    when: datetime | None = None,
    outcome: str = Outcome.ANSWERED,
    drug: str = "drugX",
) -> list[Prediction]:
    """One logged row per record, answered by `version` on `arm` at `when`."""
    now, request_id = when or timezone.now(), uuid.uuid4().hex
    rows = [
        Prediction.new(
            user=None,
            model_version=version,
            created_at=now,
            channel=Channel.API,
            outcome=outcome,
            username="",
            auth_method=AuthMethod.ANONYMOUS,
            request_id=request_id,
            correlation_id="",
            item_index=index,
            **record.as_fields(),
            drug=drug,
            probabilities={drug: 1.0},
            arm=arm,
            explanation=[],
            warnings=[],
            near_boundary=False,
            latency_us=1,
        )
        for index, record in enumerate(records)
    ]
    row_hashes_set(rows)
    Prediction.objects.insert_many(rows)
    return rows


def outcome_of(row: Prediction, drug: str, when: datetime | None = None):
    """The drug prescribed after a logged row, recorded by staff in admin."""
    return RecordedOutcome.objects.create(
        prediction=row,
        drug=drug,
        recorded_at=when or timezone.now(),
        source=RecordedOutcome.Source.ADMIN,
        username="tests",
    )


def training_records() -> list:
    """The bundled dataset's records (what the test model was trained on)."""
    from django.conf import settings

    return list(load_dataset(settings.ML_DEFAULT_DATASET).records)


def shifted_records(count: int, seed: int = 1) -> list:
    """Older patients with higher Na_to_K and high blood pressure than in training."""
    rng = random.Random(seed)
    return [
        vocab.PatientRecord(
            rng.randint(75, 110),
            rng.choice(("F", "M")),
            "HIGH",
            rng.choice(("HIGH", "NORMAL")),
            round(rng.uniform(40.0, 90.0), 3),
        )
        for _ in range(count)
    ]
