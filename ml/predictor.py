"""The cached, verified, fast predictor the web layer asks for.

``get_predictor()`` loads the active version lazily, once per process, and keeps
it keyed by version. Every few seconds (``ML_MODEL_REFRESH_SECONDS``) it looks up
which version is active and whether its file changed on disk, so an activation
reaches every worker and a damaged artifact stops being served.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass

from django.conf import settings

from ml import features as F
from ml.compiled import CompiledTree, PredictionResult
from ml.exceptions import ModelUnavailable


@dataclass(frozen=True)
class Predictor:
    """A loaded, verified model version."""

    id: int
    version: str
    classes: tuple[str, ...]
    feature_schema: list
    metrics: dict
    tree: CompiledTree
    file_stamp: tuple

    def predict(self, records: Sequence[F.PatientRecord]) -> list[PredictionResult]:
        """Explained answers for one or many validated records."""
        if len(records) <= 16:
            return [self.tree.predict_one(r) for r in records]
        return self.tree.predict_many(list(records))


_lock = threading.Lock()
_cache: dict[str, Predictor] = {}
_current: list = [None, float("-inf")]  # [Predictor | None, checked at]


def clear_cache() -> None:
    """Forget loaded models (tests, activation in this process)."""
    with _lock:
        _cache.clear()
        _current[:] = [None, float("-inf")]


def get_predictor() -> Predictor:
    """The active model, loaded and verified, or ModelUnavailable."""
    predictor, checked = _current
    if (
        predictor is not None
        and time.monotonic() - checked < settings.ML_MODEL_REFRESH_SECONDS
    ):
        return predictor
    with _lock:
        _current[0] = None
        predictor = refresh()
        _current[:] = [predictor, time.monotonic()]
    return predictor


def refresh() -> Predictor:
    """Look up the active version; reuse its loaded model unless the file changed."""
    from ml.registry import active_version  # the registry needs the app registry

    row = active_version()
    compiled = row.manifest.get("compiled", {}).get("file", "compiled.json")
    stamp = file_stamp(row.path) + file_stamp(row.path.parent / compiled)
    cached = _cache.get(row.version)
    if cached is not None and cached.file_stamp == stamp:
        return cached
    _cache.pop(row.version, None)
    predictor = load(row, stamp)
    _cache[row.version] = predictor
    return predictor


def file_stamp(path) -> tuple:
    """What changes when a file is replaced, truncated or deleted."""
    try:
        st = os.stat(path)
    except OSError as exc:
        raise ModelUnavailable(
            f"Model artifact {path} is missing ({exc.strerror}); restore it or retrain "
            "with `python manage.py train_model --activate`."
        ) from None
    return (st.st_ino, st.st_size, st.st_mtime_ns)


def load(row, stamp: tuple) -> Predictor:
    """Verify and compile one registered version (no unpickling, no scikit-learn)."""
    from ml.artifacts import load_compiled

    observed = {
        f["name"]: tuple(f["observed_range"])
        for f in row.feature_schema
        if "observed_range" in f
    }
    tree = load_compiled(row.path, row.manifest, row.version, observed)
    return Predictor(
        row.id,
        row.version,
        tuple(tree.classes),
        row.feature_schema,
        row.metrics,
        tree,
        stamp,
    )


def predict(records: Sequence[F.PatientRecord]) -> list[PredictionResult]:
    """Explained answers from the active model for one or many records."""
    return get_predictor().predict(records)
