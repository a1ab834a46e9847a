"""The model card of each registered version, at ``/models/<version>/``.

The fitted tree drawn by the server, what the model is for, what trained it, how
it scored held out and what it cannot do. Who may open it: staff, anyone with
``ml.view_modelversion`` (Model managers) and anyone who may ask for predictions
(Prescribers, who reach it from their answers). It holds no patient data; a
signed-in account with none of these gets the 403 page.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from ml import ModelUnavailable
from ml.models import ModelVersion
from predictions import model_card as figures
from predictions.drawings import drawn_tree
from predictions.notices import INTENDED_USE
from predictions.roles import PREDICT, VIEW_EVERY_PREDICTION, VIEW_MODELS


def model_card_url(version: str) -> str:
    """The path of a version's model card."""
    return reverse("predictions:model-card", args=[version])


def may_see_model_cards(user) -> bool:
    """Model managers, Auditors and Prescribers (superusers hold every permission);
    a permission decides, never the staff flag."""
    return any(user.has_perm(p) for p in (VIEW_MODELS, VIEW_EVERY_PREDICTION, PREDICT))


def limitations(metrics: dict) -> list[str]:
    """What the model cannot do, with this version's own figures where it has them."""
    conformal = figures.coverage(metrics)
    found = [
        "The training data is educational (the public drug200 schema: five inputs, "
        "five drugs), not clinical evidence. The dataset bundled with drugsite is "
        "synthetic: generated to mimic the public file's structure (data/README.md).",
    ]
    if "calibration" not in metrics:
        found.append(
            "This version states no uncertainty: its probabilities are the tree's "
            "leaves, 100 % everywhere, even next to a threshold."
        )
    else:
        found += [
            "The suggested drug is always the fitted tree's. Its probability is the "
            "vote of bootstrap trees whose thresholds move within the data's empty "
            "gaps; just past a threshold the suggested drug can hold less than half "
            "of the vote.",
            "Probabilities of patients inside those gaps (such as Na_to_K between "
            "the last training value of one drug and the first of the next) are an "
            "assumption, the boundary equally likely anywhere in the gap; no "
            "held-out row can measure them.",
        ]
    found.append(
        "Outside the training ranges the answer carries a warning, and the model no "
        "longer changes its mind: an extrapolation looks as sure as the nearest "
        "training data."
    )
    if conformal:
        found += [
            f"Prediction sets may be empty: at {conformal['stated']:.0%} coverage "
            f"{conformal['empty']:.1%} of held-out patients got none, by design, so "
            "that a model right almost every time still states the coverage it has. "
            "An empty set does not mean that no drug fits.",
            "Coverage is an average over patients like the training data, not a "
            "promise for each patient, nor for patients unlike them.",
        ]
    return found


def card_context(model_version: ModelVersion) -> dict:
    """Everything the card shows, read from the version's registered manifest."""
    manifest, metrics = model_version.manifest, model_version.metrics
    try:
        tree = drawn_tree(model_version)
    except ModelUnavailable:
        tree = None  # artifact gone or damaged: the card still shows its figures
    return {
        "model": model_version,
        "intended_use": INTENDED_USE,
        "tree": tree,
        "tree_shape": metrics.get("tree", {}),
        "data": figures.data_facts(manifest),
        "balance": figures.class_balance(manifest),
        "ranges": figures.ranges(manifest),
        "cv": figures.cross_validation(metrics),
        "confusion": figures.confusion_heat(metrics),
        "calibration": figures.calibration(metrics),
        "calibration_scheme": metrics.get("calibration", {}).get("scheme", ""),
        "coverage": figures.coverage(metrics),
        "hyperparameters": sorted(manifest.get("hyperparameters", {}).items()),
        "libraries": sorted(manifest.get("libraries", {}).items()),
        "limitations": limitations(metrics),
    }


@login_required
@require_safe
def model_card(request, version: str):
    """One version's model card (active or not)."""
    if not may_see_model_cards(request.user):
        raise PermissionDenied("This account may not see model cards.")
    model_version = get_object_or_404(ModelVersion, version=version)
    context = card_context(model_version)
    return render(request, "predictions/model_card.html", context)
