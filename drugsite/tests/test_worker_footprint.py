"""A serving worker never imports scikit-learn or pandas, nor unpickles anything:
it serves the verified compiled tree, and stays small."""

import re
import subprocess
import urllib.request
from pathlib import Path

import pytest

from drugsite.tests.load import LEGACY

RSS_LIMIT_MB = 150


def workers_of(master: int) -> list[int]:
    out = subprocess.run(
        ["ps", "--ppid", str(master), "-o", "pid="],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return [int(pid) for pid in out.split()]


def test_serving_workers_load_neither_sklearn_nor_pandas_and_stay_small(live_stack):
    stack = live_stack(workers=2)
    for _ in range(20):  # both workers answer and load the model
        with urllib.request.urlopen(stack.url + LEGACY, timeout=10) as response:
            assert response.status == 200
    for pid in workers_of(stack.process.pid):
        maps = Path(f"/proc/{pid}/maps").read_text()
        assert "/sklearn/" not in maps
        assert "/pandas/" not in maps
        assert "/scipy/" not in maps
        status = Path(f"/proc/{pid}/status").read_text()
        peak_mb = int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024
        assert peak_mb <= RSS_LIMIT_MB


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system
