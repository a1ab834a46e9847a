"""scripts/test-prerequisites.sh, which `make test` runs before pytest."""

import os
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "test-prerequisites.sh"


def path_without(hidden: set[str], folder: Path) -> str:
    """A PATH of symlinks to every command on this machine's PATH but the hidden."""
    folder.mkdir()
    for directory in os.environ["PATH"].split(os.pathsep):
        if not os.path.isdir(directory):
            continue
        for entry in os.scandir(directory):
            link = folder / entry.name
            if entry.name in hidden or link.exists() or link.is_symlink():
                continue
            if entry.is_file() and os.access(entry.path, os.X_OK):
                link.symlink_to(entry.path)
    return str(folder)


def run(path: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["/bin/bash", str(SCRIPT)],
        env=dict(os.environ, PATH=path),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_it_is_silent_and_succeeds_when_everything_is_there():
    result = run(os.environ["PATH"])

    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


@pytest.mark.parametrize(
    ("command", "package"),
    [("wrk", "wrk"), ("nginx", "nginx-light"), ("chromium", "chromium")],
)
def test_a_missing_package_it_cannot_install_is_one_line_saying_how(
    command, package, tmp_path
):
    result = run(path_without({command, "apt-get"}, tmp_path / "bin"))

    assert result.returncode != 0
    assert result.stdout == ""
    (line,) = result.stderr.splitlines()
    assert line.startswith(f"missing: {command} (")
    assert line.endswith(f"apt-get install {package}")


def test_each_missing_thing_has_its_own_line(tmp_path):
    result = run(path_without({"wrk", "nginx", "apt-get"}, tmp_path / "bin"))

    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert [line.split(" (")[0] for line in lines] == [
        "missing: nginx",
        "missing: wrk",
    ]


# Checks (and may start) this machine's PostgreSQL and Redis.
pytestmark = pytest.mark.system
