"""The Python client installs with pip from the repository path and works from there."""

import json
import subprocess
import sys

import pytest

#: Run with ``python -I`` (no PYTHONPATH, no user site, no current directory):
#: the client can only come from the folder pip installed it into.
SCRIPT = """
import json, sys
sys.path.insert(0, sys.argv[1])
import drugsite_client
from drugsite_client import DrugsiteClient

client = DrugsiteClient(sys.argv[2], token=sys.argv[3])
answer = client.predict(age=60, sex="F", bp="LOW", cholesterol="HIGH", na_to_k=20)
print(json.dumps({"file": drugsite_client.__file__, "drug": answer.drug}))
"""


def test_pip_installs_the_client_with_its_type_marker_and_nothing_else(
    installed_client,
):
    installed = sorted(path.name for path in installed_client.iterdir())
    assert installed == ["drugsite_client", "drugsite_client-0.1.0.dist-info"]
    package = installed_client / "drugsite_client"
    assert (package / "py.typed").is_file()
    metadata = (
        installed_client / "drugsite_client-0.1.0.dist-info" / "METADATA"
    ).read_text()
    assert "Requires-Dist" not in metadata


def test_the_installed_client_answers_from_a_fresh_interpreter(
    installed_client, stack, token
):
    result = subprocess.run(
        [sys.executable, "-I", "-c", SCRIPT, str(installed_client), stack.url, token],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=installed_client,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert answer["file"].startswith(str(installed_client))
    assert answer["drug"] == "DrugY"


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system
