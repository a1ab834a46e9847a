"""ml.verification: one decision, and every entry point refuses with its message.

Each file of an artifact is damaged for real on disk; then the system check, the
activation command, the admin action, /readyz and a prediction request must all
refuse, each quoting the message that ``verify_artifact`` gives.
"""

import json
import logging

import pytest
from django.core.checks import run_checks
from django.core.management import CommandError, call_command
from django.urls import reverse

from ml.exceptions import ModelUnavailable
from ml.verification import verify_artifact

pytestmark = pytest.mark.django_db

RECORD = {"age": 47, "sex": "F", "bp": "LOW", "cholesterol": "HIGH", "na_to_k": 14}


def corrupt_json(path) -> None:
    """Valid bytes for a new hash, but not a tree: what a bad deploy could leave."""
    path.write_text(json.dumps({"format": "drugsite-tree-1", "columns": []}))


def reregister_hash(model_version, name: str) -> None:
    """Make the registry trust the damaged file's new bytes (as a forged manifest
    would), so that what is refused is the content, not only the hash."""
    import hashlib

    digest = hashlib.sha256((model_version.folder / name).read_bytes()).hexdigest()
    model_version.manifest["compiled"]["sha256"] = digest
    model_version.save(update_fields=["manifest"])


def damage(kind: str, model_version, tamper) -> None:
    folder = model_version.folder
    if kind == "model bytes":
        tamper(folder / "model.joblib")
    elif kind == "compiled bytes":
        tamper(folder / "compiled.json")
    elif kind == "compiled missing":
        (folder / "compiled.json").unlink()
    elif kind == "compiled content":
        corrupt_json(folder / "compiled.json")
        reregister_hash(model_version, "compiled.json")


KINDS = ["model bytes", "compiled bytes", "compiled missing", "compiled content"]


def verdict(model_version) -> str:
    model_version.refresh_from_db()
    with pytest.raises(ModelUnavailable) as caught:
        verify_artifact(model_version.folder, model_version.manifest)
    return str(caught.value)


@pytest.mark.parametrize("kind", KINDS)
def test_every_entry_point_refuses_a_damaged_artifact_with_one_message(
    kind, active_model, tamper, admin_client, client, caplog, settings
):
    settings.ML_MODEL_REFRESH_SECONDS = 0
    damage(kind, active_model, tamper)
    message = verdict(active_model)

    (warning,) = [m for m in run_checks() if m.id == "ml.W001"]
    assert message in warning.msg

    with pytest.raises(CommandError) as refused:
        call_command("activate_model", active_model.version, reason="tests")
    assert str(refused.value) == message

    response = admin_client.post(
        reverse("admin:ml_modelversion_changelist"),
        {
            "action": "activate",
            "_selected_action": [active_model.pk],
            "reason": "tests",
            "apply": "yes",
        },
        follow=True,
    )
    assert message in [m.message for m in response.context["messages"]]

    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="drugsite.ops"):
        ready = client.get("/readyz")
    assert ready.status_code == 503
    assert ready.json()["checks"]["model"].startswith("failing")
    assert any(message in record.getMessage() for record in caplog.records)

    caplog.clear()
    with caplog.at_level(logging.ERROR, logger="drugsite.ops"):
        answer = admin_client.post(
            "/api/v1/predictions/", RECORD, content_type="application/json"
        )
    assert answer.status_code == 503
    assert any(message in record.getMessage() for record in caplog.records)


@pytest.mark.parametrize("kind", KINDS)
def test_registering_a_damaged_folder_is_refused(kind, active_model, tamper):
    from ml.registry import model_version_register

    damage(kind, active_model, tamper)
    with pytest.raises(ModelUnavailable):
        model_version_register(folder=active_model.folder)


def test_an_intact_artifact_verifies_to_the_tree_that_is_served(active_model):
    tree = verify_artifact(active_model.folder, active_model.manifest)
    assert tree.classes == active_model.classes
