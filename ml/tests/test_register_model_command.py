"""`register_model --activate-if-none`, as the container start runs it."""

import io

import pytest
from django.core.management import call_command

from ml.models import ModelVersion


def register(folder, *flags) -> str:
    out = io.StringIO()
    call_command("register_model", str(folder), *flags, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_activate_if_none_activates_on_an_empty_registry(artifact_dir):
    version = (artifact_dir / "VERSION").read_text()
    assert "activated" in register(artifact_dir / version, "--activate-if-none")
    assert ModelVersion.objects.get(is_active=True).version == version


@pytest.mark.django_db
def test_activate_if_none_keeps_a_usable_active_model(active_model, tmp_path):
    import shutil

    other = tmp_path / "other"
    shutil.copytree(active_model.path.parent, other)
    manifest = (other / "manifest.json").read_text()
    # A second artifact: same manifest, different bytes and hash.
    import hashlib
    import json

    (other / "model.joblib").write_bytes(active_model.path.read_bytes() + b"\0")
    data = json.loads(manifest)
    data["version"] = "other-version"
    data["sha256"] = hashlib.sha256((other / "model.joblib").read_bytes()).hexdigest()
    (other / "manifest.json").write_text(json.dumps(data))
    out = register(other, "--activate-if-none")
    assert "activated" not in out
    assert ModelVersion.objects.get(is_active=True).pk == active_model.pk
    assert ModelVersion.objects.count() == 2
