"""The cached, verified, fast predictors the web layer asks for.

Contract: ``get_serving()`` returns what this process serves: the active
version, and the candidate (with its share of traffic) and the shadow when the
registry names them, each verified and loaded; ``get_predictor()`` the active
one. Both raise ``ModelUnavailable`` when no usable version is active; a
candidate or shadow that fails verification is left out (and logged), never the
reason to stop serving. They load lazily, once per process, and at most every
``ML_MODEL_REFRESH_SECONDS`` look up (one query) which versions serve and
whether their files changed on disk, so a change reaches every worker and host
and a damaged artifact stops being served. ``clear_cache()`` forgets everything
(after a change in this process, and in tests). All are safe across threads.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Sequence

from django.conf import settings
from django.db.models import Q

from ml.exceptions import ModelUnavailable
from ml.models import NO_ACTIVE_MODEL, ModelVersion, Rollout
from ml.results import PredictionResult
from ml.serving import ACTIVE, Predictor, Serving, file_stamp, files_stamp, load

__all__ = [  # file_stamp and the types are read from here too (predictions)
    "Predictor",
    "Serving",
    "clear_cache",
    "file_stamp",
    "get_predictor",
    "get_serving",
    "predict",
]
NEVER = (None, float("-inf"))
logger = logging.getLogger(__name__)


class PredictorCache:
    """The process's loaded versions and what serves now, behind one lock."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._loaded: dict[str, Predictor] = {}
        self._refused: dict[str, tuple] = {}  # a trial version's failing files
        self._current: tuple[Serving | None, float] = NEVER

    def fresh(self) -> Serving | None:
        """What serves, if it was checked recently enough, else None."""
        serving, checked = self._current  # one read: a tuple is swapped whole
        age = time.monotonic() - checked
        return serving if age < settings.ML_MODEL_REFRESH_SECONDS else None

    def get(self) -> Serving:
        """What serves; reloaded when stale, re-checked under the lock."""
        serving = self.fresh()
        if serving is not None:
            return serving
        with self._lock:
            serving = self.fresh()  # another thread may have just refreshed
            if serving is None:
                self._current = NEVER  # a failed refresh must not serve the old one
                serving = self._refresh()
                self._current = (serving, time.monotonic())
            return serving

    def clear(self) -> None:
        with self._lock:
            self._loaded.clear()
            self._refused.clear()
            self._current = NEVER

    def _refresh(self) -> Serving:
        """Look up the active, candidate and shadow rows in one query; reuse each
        loaded model unless one of its files changed."""
        rows = ModelVersion.objects.filter(Q(is_active=True) | ~Q(rollout=""))
        by_arm = {ACTIVE if row.is_active else row.rollout: row for row in rows}
        if ACTIVE not in by_arm:
            raise ModelUnavailable(NO_ACTIVE_MODEL)
        candidate = by_arm.get(Rollout.CANDIDATE)
        serving = Serving(
            self._load(by_arm[ACTIVE]),
            self._trial(candidate),
            candidate.traffic_percent if candidate else 0,
            self._trial(by_arm.get(Rollout.SHADOW)),
        )
        kept = (serving.active, serving.candidate, serving.shadow)
        self._loaded = {p.version: p for p in kept if p is not None}
        return serving

    def _load(self, row: ModelVersion) -> Predictor:
        """The row's predictor: the loaded one if its files are unchanged."""
        stamp = files_stamp(row)
        cached = self._loaded.get(row.version)
        if cached is not None and cached.file_stamp == stamp:
            return cached
        return load(row, stamp)

    def _trial(self, row: ModelVersion | None) -> Predictor | None:
        """A candidate's or shadow's predictor; None (logged once per change of
        its files) when it fails verification: the active one still serves."""
        if row is None:
            return None
        stamp = files_stamp(row)
        if self._refused.get(row.version) == stamp:
            return None
        try:
            return self._load(row)
        except ModelUnavailable as exc:
            self._refused[row.version] = stamp
            logger.error("%s %s is not served: %s", row.rollout, row.version, exc)
            return None


_cache = PredictorCache()
get_serving = _cache.get
clear_cache = _cache.clear


def get_predictor() -> Predictor:
    """The active version's predictor."""
    return _cache.get().active


def predict(records: Sequence) -> list[PredictionResult]:
    """Explained answers from the active model for one or many records."""
    return get_predictor().predict(records)
