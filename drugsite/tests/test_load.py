"""Load without loss: 4 workers, 32 clients, 20,000 mixed requests, every answer
logged exactly once (counted by request id), on SQLite and on PostgreSQL."""

import pytest

from drugsite.tests.load import rows_by_request, run_load

REQUESTS, CLIENTS = 20_000, 32


@pytest.mark.parametrize("database", ["sqlite", "postgres"])
def test_mixed_load_loses_nothing_and_logs_each_answer_once(live_stack, database):
    stack = live_stack(
        workers=4, database=database, extra_env={"DRUGSITE_ALLOW_ANONYMOUS": "0"}
    )
    token, password = stack.user_with_token()
    outcome = run_load(
        [stack.url],
        token,
        "loadtester",
        password,
        clients=CLIENTS,
        requests=REQUESTS,
        prefix=f"load-{database}",
    )

    assert outcome.failures == []
    assert not any(status >= 500 for status in outcome.statuses)
    assert sum(outcome.statuses.values()) == REQUESTS
    # One row per prediction answered, none extra, none missing.
    assert rows_by_request(stack, f"load-{database}") == outcome.answered
    assert "database is locked" not in stack.log_text()


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system
