"""The one decision whether an artifact may be served.

``verify_artifact`` checks everything that serving will rely on: the library
versions, the sha256 of both files against the trusted manifest (the registry's
copy for a registered version), that the compiled tree parses, and that it
reproduces scikit-learn's reference answers. ``manage.py check``, activation
(command, admin and API), ``/readyz`` and serving all call it, so they refuse an
artifact for the same reason with the same message.
"""

from __future__ import annotations

import hashlib
import json
from importlib.metadata import version as installed
from pathlib import Path

from ml import features as vocab
from ml.compiled import CompiledTree
from ml.exceptions import ModelUnavailable

FIX = "retrain with `python manage.py train_model --activate`"


def verify_artifact(folder: Path, manifest: dict) -> CompiledTree:
    """The served form of an artifact, or ModelUnavailable saying what is wrong."""
    version = manifest.get("version", "?")
    check_compatible(manifest.get("libraries", {}))
    compiled = manifest.get("compiled")
    if not compiled:
        raise ModelUnavailable(
            f"Model {version} has no compiled tree (made by an older drugsite); {FIX}."
        )
    read_verified(Path(folder) / manifest["artifact"], manifest["sha256"])
    blob = read_verified(Path(folder) / compiled["file"], compiled["sha256"])
    try:
        export = json.loads(blob)
        tree = CompiledTree(export)
    except (ValueError, KeyError, IndexError, TypeError) as exc:
        raise ModelUnavailable(
            f"Model {version}: unreadable compiled tree ({exc}); {FIX}."
        ) from None
    failing_checks(tree, export, version)
    return tree


def read_verified(path: Path, sha256: str) -> bytes:
    """A file's bytes, refused unless they hash to the expected sha256."""
    try:
        blob = Path(path).read_bytes()
    except OSError as exc:
        raise ModelUnavailable(
            f"Model artifact {path} cannot be read ({exc.strerror}); "
            f"restore it or {FIX}."
        ) from None
    if hashlib.sha256(blob).hexdigest() != sha256:
        raise ModelUnavailable(
            f"Model artifact {path} does not match its registered sha256 "
            f"(changed or corrupted); it was not loaded. Restore it or {FIX}."
        )
    return blob


def check_compatible(libraries: dict) -> None:
    """Refuse an artifact trained with another scikit-learn major.minor."""
    trained, here = str(libraries.get("scikit-learn", "?")), installed("scikit-learn")
    if trained.split(".")[:2] != here.split(".")[:2]:
        raise ModelUnavailable(
            f"Model was trained with scikit-learn {trained}, this server runs "
            f"{here}; {FIX} or install scikit-learn {trained}."
        )


def failing_checks(tree: CompiledTree, export: dict, version: str) -> None:
    """Refuse a compiled tree that does not give scikit-learn's reference answers."""
    width = len(vocab.FEATURES)
    wrong = [
        row
        for row in export.get("checks", [])
        if tree.classes[tree.value_argmax[tree.leaf_of(tuple(row[:width]))]]
        != row[width]
    ]
    if wrong or not export.get("checks"):
        raise ModelUnavailable(
            f"Model {version}: the compiled tree does not reproduce "
            f"scikit-learn's answers ({len(wrong)} differ); {FIX}."
        )
