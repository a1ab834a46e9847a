"""The cached, verified, fast predictor the web layer asks for.

Contract: ``get_predictor()`` returns the active version, verified and loaded,
or raises ``ModelUnavailable``; it loads lazily, once per process, and at most
every ``ML_MODEL_REFRESH_SECONDS`` looks up which version is active and whether
its files changed on disk, so an activation reaches every worker and host and a
damaged artifact stops being served. ``clear_cache()`` forgets everything (after
an activation in this process, and in tests). Both are safe across threads.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from ml.answers import Answerer
from ml.models import ModelVersion
from ml.results import PredictionResult

NEVER = (None, float("-inf"))


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
        if len(records) <= 16:
            return [self.answerer.predict_one(r) for r in records]
        return self.answerer.predict_many(list(records))


class PredictorCache:
    """The process's loaded versions and which one is current, behind one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[str, Predictor] = {}
        self._current: tuple[Predictor | None, float] = NEVER

    def fresh(self) -> Predictor | None:
        """The current predictor if it was checked recently enough, else None."""
        predictor, checked = self._current  # one read: a tuple is swapped whole
        age = time.monotonic() - checked
        return predictor if age < settings.ML_MODEL_REFRESH_SECONDS else None

    def get(self) -> Predictor:
        """The active predictor; reloaded when stale, re-checked under the lock."""
        predictor = self.fresh()
        if predictor is not None:
            return predictor
        with self._lock:
            predictor = self.fresh()  # another thread may have just refreshed
            if predictor is None:
                self._current = NEVER  # a failed refresh must not serve the old one
                predictor = self._refresh()
                self._current = (predictor, time.monotonic())
            return predictor

    def clear(self) -> None:
        with self._lock:
            self._loaded.clear()
            self._current = NEVER

    def _refresh(self) -> Predictor:
        """Look up the active version; reuse its loaded model unless a file changed."""
        row = ModelVersion.objects.active()
        compiled = row.manifest.get("compiled", {}).get("file", "compiled.json")
        stamp = file_stamp(row.path) + file_stamp(row.folder / compiled)
        cached = self._loaded.get(row.version)
        if cached is not None and cached.file_stamp == stamp:
            return cached
        self._loaded.pop(row.version, None)
        self._loaded[row.version] = predictor = load(row, stamp)
        return predictor


def file_stamp(path: Path) -> tuple:
    """What changes when a file is replaced, truncated or deleted. A missing file
    matches no loaded model, so verification is asked and says what is wrong."""
    try:
        st = os.stat(path)
    except OSError:
        return (None,)
    return (st.st_ino, st.st_size, st.st_mtime_ns)


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


_cache = PredictorCache()
get_predictor = _cache.get
clear_cache = _cache.clear


def predict(records: Sequence) -> list[PredictionResult]:
    """Explained answers from the active model for one or many records."""
    return get_predictor().predict(records)
