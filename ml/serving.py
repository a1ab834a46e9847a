"""What a process serves: verified, loaded versions (``Predictor``), and the
active one with the candidate and the shadow (``Serving``), which chooses each
request's arm. Made and cached by ml.predictor."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ml.answers import Answerer
from ml.models import ModelVersion, Rollout
from ml.results import PredictionResult

ACTIVE = "active"  # the active version's arm; the others are named by Rollout


@dataclass(frozen=True)
class Predictor:
    """A loaded, verified model version."""

    id: int
    version: str
    classes: tuple[str, ...]
    feature_schema: list
    metrics: dict
    answerer: Answerer
    file_stamp: tuple

    def predict(self, records: Sequence) -> list[PredictionResult]:
        """Explained answers for one or many validated records."""
        if len(records) <= 48:  # one by one is faster below about 48 (measured)
            return [self.answerer.predict_one(r) for r in records]
        return self.answerer.predict_many(list(records))


@dataclass(frozen=True)
class Serving:
    """The versions one process serves: the active one, and the candidate with
    its share of requests and the shadow when the registry names them."""

    active: Predictor
    candidate: Predictor | None = None
    traffic_percent: int = 0
    shadow: Predictor | None = None

    def choose(self, key: str) -> tuple[str, Predictor]:
        """The arm and the predictor that answer a request with this stable key:
        the same key always gets the same arm, on every process and host."""
        if self.candidate is not None and arm_bucket(key) < self.traffic_percent:
            return Rollout.CANDIDATE.value, self.candidate
        return ACTIVE, self.active


def arm_bucket(key: str) -> int:
    """A number from 0 to 99, spread evenly over keys (the key's SHA-256)."""
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16) % 100


def file_stamp(path: Path) -> tuple:
    """What changes when a file is replaced, truncated or deleted. A missing file
    matches no loaded model, so verification is asked and says what is wrong."""
    try:
        st = os.stat(path)
    except OSError:
        return (None,)
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def files_stamp(row: ModelVersion) -> tuple:
    """The stamps of a version's two files: the pickle and the compiled tree."""
    compiled = row.manifest.get("compiled", {}).get("file", "compiled.json")
    return file_stamp(row.path) + file_stamp(row.folder / compiled)


def load(row: ModelVersion, stamp: tuple) -> Predictor:
    """Verify and compile one registered version (no unpickling, no scikit-learn)."""
    observed = {
        f["name"]: tuple(f["observed_range"])
        for f in row.feature_schema
        if f.get("observed_range")
    }
    answerer = Answerer(row.verify(), observed, row.version)
    return Predictor(
        row.id,
        row.version,
        tuple(answerer.tree.classes),
        row.feature_schema,
        row.metrics,
        answerer,
        stamp,
    )
