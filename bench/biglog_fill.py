"""Fill the benchmark's PostgreSQL log with millions of realistic rows, by COPY.

A pool of patients is answered (and bad requests rejected) by the service itself,
in a transaction rolled back, so every column holds what production writes; each
row then takes a pool answer with its own time (a year, in id order), channel,
user, request id and latency. Row hashes are placeholders: never sealed.
"""

from __future__ import annotations

import dataclasses
import json
import random
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models, transaction
from django.utils import timezone
from psycopg.copy import QueuedLibpqWriter
from rest_framework.exceptions import ValidationError

from ml.dataset import load_dataset
from ml.features import random_record
from predictions.models import AuthMethod, Channel, Prediction
from predictions.origin import Origin
from predictions.serializers import validate_patients
from predictions.services import prediction_create, prediction_reject

POOL, USERS, DAYS, BLOCK = 1_000, 40, 365, 50_000
REJECTED_SHARE, CORRELATED_SHARE, ANONYMOUS_SHARE = 0.03, 0.3, 0.1
ANYWHERE_SHARE = 0.02
CHANNELS = (Channel.API,) * 5 + (Channel.LEGACY,) * 3 + (Channel.FORM,) * 2
BAD_INPUTS = ({"age": "abc"}, {"bp": "VERYHIGH"}, {"na_to_k": -1}, [], {"sex": 3})
FIELDS = [f for f in Prediction._meta.concrete_fields if not f.primary_key]
AT = {f.attname: n for n, f in enumerate(FIELDS)}  # a column's place in a line


def copy_text(field: models.Field, value) -> str:
    """One value in COPY's text format, as the ORM would store it."""
    if value is None:
        return r"\N"
    if isinstance(field, models.JSONField):
        value = json.dumps(value)
    elif isinstance(value, bool):
        return "t" if value else "f"
    elif isinstance(value, datetime):
        value = value.isoformat()
    text = str(value).replace("\\", "\\\\")
    return text.replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def patients(rng: random.Random, count: int) -> list:
    """Patients like the training data's (a row of it, Age and Na_to_K moved a
    little), and a few from anywhere validation allows (answered with warnings)."""
    seen = load_dataset(settings.ML_DEFAULT_DATASET).records
    return [
        dataclasses.replace(
            row := rng.choice(seen),
            age=row.age + rng.randint(-2, 2),
            na_to_k=round(row.na_to_k + rng.uniform(-0.5, 0.5), 3),
        )
        if rng.random() > ANYWHERE_SHARE
        else random_record(rng)
        for _ in range(count)
    ]


def pool_answers(rng: random.Random) -> tuple[list, list]:
    """Rows the service writes for random patients and bad requests, as COPY cells."""
    origin = Origin.of(user=None, auth_method=AuthMethod.ANONYMOUS, request_id="pool")
    with transaction.atomic():
        answered = [  # one request each, as most are
            row
            for patient in patients(rng, POOL)
            for row in prediction_create(
                records=[patient], channel=Channel.API, origin=origin
            )
        ]
        rejected = []
        for data in BAD_INPUTS:
            try:
                validate_patients(data)
            except ValidationError as exc:
                rejected.append(
                    prediction_reject(
                        data=data, errors=exc.detail, channel=Channel.API, origin=origin
                    )
                )
        transaction.set_rollback(True)
    cells = [
        [[copy_text(f, getattr(row, f.attname)) for f in FIELDS] for row in rows]
        for rows in (answered, rejected)
    ]
    return cells[0], cells[1]


def users_make() -> list[tuple[str, str]]:
    """The clinicians who asked: (id, username) as COPY cells."""
    make = get_user_model().objects.create_user
    users = [make(username=f"clinician{n:02}") for n in range(USERS)]
    return [(str(user.pk), user.username) for user in users]


def rows_text(rng, span: range, first: datetime, step_us: int, pools, users) -> str:
    """COPY lines for the rows numbered `span`, `step_us` apart from `first`."""
    answered, rejected, at = *pools, AT
    first_ms = int(first.timestamp() * 1000)  # request ids are UUIDv7s
    lines = []
    for n in span:
        pool = rejected if rng.random() < REJECTED_SHARE else answered
        cells = list(pool[rng.randrange(len(pool))])
        channel = CHANNELS[rng.randrange(len(CHANNELS))]
        offset_us = n * step_us + rng.randrange(step_us)
        created = first + timedelta(microseconds=offset_us)
        cells[at["created_at"]] = created.isoformat()
        cells[at["channel"]] = channel
        if channel == Channel.LEGACY and rng.random() < ANONYMOUS_SHARE:
            user_id, username, method = r"\N", "", AuthMethod.ANONYMOUS
        else:
            user_id, username = users[rng.randrange(len(users))]
            form = channel == Channel.FORM
            method = AuthMethod.SESSION if form else AuthMethod.TOKEN
        cells[at["user_id"]], cells[at["username"]] = user_id, username
        cells[at["auth_method"]] = method
        ms, low = first_ms + offset_us // 1000, 2 << 62 | rng.getrandbits(62)
        cells[at["request_id"]] = f"{ms:012x}7{rng.getrandbits(12):03x}{low:016x}"
        if channel == Channel.API and rng.random() < CORRELATED_SHARE:
            cells[at["correlation_id"]] = f"client-{rng.getrandbits(48):012x}"
        cells[at["latency_us"]] = str(rng.randrange(3, 40))
        cells[at["row_hash"]] = f"{rng.getrandbits(256):064x}"
        lines.append("\t".join(cells))
    return "\n".join(lines) + "\n"


def log_fill(total: int, seed: int = 11) -> None:
    """Write `total` rows into the log with one COPY, then VACUUM ANALYZE it."""
    rng = random.Random(seed)
    pools, users = pool_answers(rng), users_make()
    first = timezone.now() - timedelta(days=DAYS)
    step_us = DAYS * 86_400_000_000 // total
    table = Prediction._meta.db_table
    columns = ", ".join(connection.ops.quote_name(f.column) for f in FIELDS)
    with connection.cursor() as cursor:
        sql, raw = f"COPY {table} ({columns}) FROM STDIN", cursor.cursor
        # Rows are made while a thread of psycopg's sends the previous ones.
        with raw.copy(sql, writer=QueuedLibpqWriter(raw)) as copy:
            for start in range(0, total, BLOCK):
                span = range(start, min(start + BLOCK, total))
                copy.write(rows_text(rng, span, first, step_us, pools, users))
        cursor.execute(f"VACUUM ANALYZE {table}")  # as autovacuum would have
