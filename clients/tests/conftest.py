"""One live drugsite (production server, tokens required) for all clients.

The client examples run against it exactly as a user would run them.
"""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clients.tests.support import CLIENTS, create_tokens, start_stack

sys.path.insert(0, str(CLIENTS / "python" / "src"))  # the client, as pip -e would
BUILT = shutil.ignore_patterns("build", "*.egg-info", "__pycache__")


@pytest.fixture(scope="session")
def stack(tmp_path_factory, trained_store):
    """The production stack with DRUGSITE_ALLOW_ANONYMOUS off: tokens required."""
    live = start_stack(tmp_path_factory.mktemp("clients-stack"), trained_store)
    yield live
    live.close()


@pytest.fixture(scope="session")
def token(stack) -> str:
    """A valid API token of an ordinary (non-staff) user."""
    return create_tokens(stack, "alice")["alice"]


@pytest.fixture(scope="session")
def installed_client(tmp_path_factory) -> Path:
    """The Python client as pip installs it from the repository path.

    pip builds in the source folder (build/, *.egg-info); a copy keeps the tree clean.
    """
    source = tmp_path_factory.mktemp("source") / "python"
    shutil.copytree(CLIENTS / "python", source, ignore=BUILT)
    target = tmp_path_factory.mktemp("site-packages")
    pip = [
        sys.executable,
        "-m",
        "pip",
        "install",
        "--quiet",
        "--no-deps",
        "--no-build-isolation",
    ]  # offline: the venv's pinned setuptools builds it
    result = subprocess.run(
        [*pip, "--target", str(target), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return target
