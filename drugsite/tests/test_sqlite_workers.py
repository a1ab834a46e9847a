"""Four server workers write the log at once on the SQLite default, never locked."""

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor

import pytest

CLIENTS, PER_CLIENT = 16, 100


def legacy_call(url: str, index: int) -> tuple[int, str]:
    request = urllib.request.Request(
        url + "/drug?Age=47&Sex=F&BP=HIGH&Cholesterol=HIGH&Na_to_K=14",
        headers={"X-Request-Id": f"sqlite-{index}"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status, json.loads(response.read())["recommended_drug"]


@pytest.mark.parametrize("writer_lock", ["1", "0"])
def test_four_workers_writing_at_once_lose_nothing_on_sqlite(live_stack, writer_lock):
    """With the writers taking turns by their lock file (predictions.writerlock),
    and without it, by SQLite's busy timeout alone."""
    stack = live_stack(
        workers=4, extra_env={"DRUGSITE_SQLITE_WRITER_LOCK": writer_lock}
    )
    total = CLIENTS * PER_CLIENT
    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(pool.map(lambda i: legacy_call(stack.url, i), range(total)))
    assert answers == [(200, "drugA")] * total
    assert stack.count("SELECT COUNT(*) FROM predictions_prediction") == total
    assert (
        stack.count("SELECT COUNT(DISTINCT correlation_id) FROM predictions_prediction")
        == total
    )
    assert "database is locked" not in stack.log_text()
    lock_file = stack.workdir / "db.sqlite3-writer"
    assert lock_file.exists() is (writer_lock == "1")


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system
