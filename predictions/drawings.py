"""The fitted tree of a model version, drawn as SVG on the server.

A logged answer is drawn with the tree of the version that gave it, which may no
longer be active: the active predictor's tree when the versions match, else the
version's artifact, verified as serving verifies it (``ModelVersion.verify``) and
kept per version in this process until one of its files changes on disk.
"""

from __future__ import annotations

import threading

from django.utils.safestring import SafeString, mark_safe

from ml import ModelUnavailable
from ml import features as vocab
from ml.models import ModelVersion
from ml.predictor import file_stamp, get_predictor
from ml.treelayout import tree_path
from ml.treesvg import tree_svg

KEPT = 8  # versions whose verified tree a process keeps
_lock = threading.Lock()
_verified: dict[str, tuple[tuple, dict]] = {}


def stamp_of(model_version: ModelVersion) -> tuple:
    """What changes when one of the version's two files is replaced or removed."""
    compiled = model_version.manifest.get("compiled", {}).get("file", "compiled.json")
    return file_stamp(model_version.path) + file_stamp(model_version.folder / compiled)


def tree_export(model_version: ModelVersion) -> dict:
    """The version's verified tree as plain data; ModelUnavailable if it cannot be."""
    try:
        predictor = get_predictor()
    except ModelUnavailable:
        predictor = None
    if predictor is not None and predictor.version == model_version.version:
        return predictor.answerer.tree.export
    stamp = stamp_of(model_version)
    kept = _verified.get(model_version.version)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    export = model_version.verify().export
    with _lock:
        while len(_verified) >= KEPT:
            _verified.pop(next(iter(_verified)))
        _verified[model_version.version] = (stamp, export)
    return export


def training_rows(model_version: ModelVersion) -> int | None:
    """How many rows trained the version (from its manifest), for the node counts."""
    return model_version.manifest.get("data", {}).get("rows")


def patient_path(export: dict, values: dict) -> list[int]:
    """Node ids from the root to the leaf of a patient given by field name."""
    row = tuple(values[vocab.FIELD_NAMES[name]] for name in vocab.FEATURES)
    return tree_path(export, row)


def drawn_tree(model_version: ModelVersion, values: dict | None = None) -> SafeString:
    """The version's tree as inline SVG, a patient's path highlighted if given.

    The markup is safe: ``ml.treesvg`` escapes every text it writes.
    """
    export = tree_export(model_version)
    path = patient_path(export, values) if values is not None else ()
    return mark_safe(tree_svg(export, path, training_rows(model_version)))


def clear() -> None:
    """Forget every kept tree (tests)."""
    with _lock:
        _verified.clear()
