"""The tutorial's notebook, executed headless against a live drugsite."""

import json
import os
import sys
from pathlib import Path

import nbformat
import pytest
from drugsite_client import DrugsiteClient
from nbclient import NotebookClient

from clients.tests.support import CLIENTS

NOTEBOOK = CLIENTS / "notebook" / "prescribe.ipynb"
WIDGET_STATE = "application/vnd.jupyter.widget-state+json"


@pytest.fixture
def kernel(tmp_path, monkeypatch) -> str:
    """A kernelspec that runs this interpreter (the project's venv), found first."""
    folder = tmp_path / "jupyter" / "kernels" / "drugsite-venv"
    folder.mkdir(parents=True)
    argv = [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec = {"argv": argv, "display_name": "drugsite venv", "language": "python"}
    folder.joinpath("kernel.json").write_text(json.dumps(spec))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return "drugsite-venv"


def run_notebook(kernel: str, site: Path, **env: str) -> nbformat.NotebookNode:
    """Execute the notebook in a fresh kernel that imports the client from ``site``."""
    nb = nbformat.read(NOTEBOOK, as_version=4)
    client = NotebookClient(
        nb,
        kernel_name=kernel,
        timeout=60,
        resources={"metadata": {"path": str(NOTEBOOK.parent)}},
    )
    client.execute(env={**os.environ, "PYTHONPATH": str(site), **env})
    return nb


def shown_text(nb: nbformat.NotebookNode) -> str:
    """Every text the notebook shows: cell outputs and Output widgets' contents."""
    outputs = [output for cell in nb.cells for output in cell.get("outputs", [])]
    states = nb.metadata.get("widgets", {}).get(WIDGET_STATE, {}).get("state", {})
    for model in states.values():
        outputs += model["state"].get("outputs", [])
    return "\n".join(
        output.get("text", "") or output.get("data", {}).get("text/plain", "")
        for output in outputs
    )


def test_clicking_prescribe_shows_drug_set_flips_probabilities_and_reasons(
    kernel, installed_client, stack, token
):
    nb = run_notebook(
        kernel, installed_client, DRUGSITE_URL=stack.url, DRUGSITE_TOKEN=token
    )
    text = shown_text(nb)
    expected = DrugsiteClient(stack.url, token=token).predict(
        age=47, sex="F", bp="LOW", cholesterol="HIGH", na_to_k=14
    )
    assert "Suggested drug: drugC (probability 1.00)" in text
    assert expected.coverage == 0.95
    shown_set = " or ".join(expected.prediction_set)  # one drug, or by design none
    assert f"At 95% coverage: {shown_set}\n" in text or (
        not shown_set and "At 95% coverage: no set is claimed" in text
    )
    assert "What would change it (one number at a time):\n" in text
    na_to_k = expected.counterfactual[1]  # Age changes nothing on this path
    assert expected.counterfactual[0] is None
    assert f"  - {na_to_k.text} ({na_to_k.value - 14:g} above 14)\n" in text
    assert "drugC  1.00 ████████████████████" in text
    assert "DrugY  0.00" in text
    for reason in expected.explanation:
        assert f"  - {reason}\n" in text
    assert "Warnings:\n  none" in text
    assert f"model {expected.model_version}." in text


def test_a_wrong_token_is_shown_in_the_notebook_not_raised(
    kernel, installed_client, stack
):
    nb = run_notebook(
        kernel, installed_client, DRUGSITE_URL=stack.url, DRUGSITE_TOKEN="bad"
    )
    text = shown_text(nb)
    assert "drugsite did not answer: Invalid token." in text
    assert "Suggested drug" not in text


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system
