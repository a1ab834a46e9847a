"""The curl, JavaScript (Node) and Java examples, run as a user runs them."""

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from drugsite_client import DrugsiteClient

from clients.tests.support import CLIENTS, EXAMPLES, as_fields

COMMANDS = {
    "curl": ["sh", str(CLIENTS / "curl" / "predict.sh")],
    "node": ["node", str(CLIENTS / "javascript" / "predict.mjs")],
    "java": ["java", str(CLIENTS / "java" / "Predict.java")],
}
#: The Java launcher compiles the source each run: a quicker JIT and GC for that;
#: no perf-data file each, as JVMs started at once can find one another's file
#: locked and print a warning on stdout.
FAST = {"JDK_JAVA_OPTIONS": "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC -XX:-UsePerfData"}
#: Out of the training data's range, and close to the Na_to_K threshold.
EDGE = (120, "M", "HIGH", "HIGH", 14.7)
BAD_BP = (47, "F", "VERYHIGH", "HIGH", 14)
BAD_BP_MESSAGE = "BP 'VERYHIGH' is not allowed: use one of HIGH, LOW, NORMAL."


def run_each(language: str, url: str, cases: list[tuple[tuple, str]]) -> list:
    """Run the example once per (values, token), at once: java compiles each time."""

    def run(case: tuple[tuple, str]) -> subprocess.CompletedProcess:
        values, token = case
        env = {**os.environ, "DRUGSITE_URL": url, "DRUGSITE_TOKEN": token, **FAST}
        command = [*COMMANDS[language], *map(str, values)]
        return subprocess.run(
            command, env=env, capture_output=True, text=True, timeout=120, cwd=CLIENTS
        )

    with ThreadPoolExecutor(len(cases)) as pool:
        return list(pool.map(run, cases))


@pytest.mark.parametrize("language", ["node", "java"])
def test_example_gives_the_tutorials_answers_with_reasons_and_warnings(
    language, stack, token
):
    client = DrugsiteClient(stack.url, token=token)
    cases = [(values, token) for values, _ in EXAMPLES] + [(EDGE, token)]
    *results, edge = run_each(language, stack.url, cases)
    for (values, drug), result in zip(EXAMPLES, results, strict=True):
        assert result.returncode == 0, result.stderr
        lines = result.stdout.splitlines()
        assert lines[0] == f"drug: {drug} (probability 1.00)"
        assert f"{drug} 1.00" in lines[1]
        reasons = client.predict(**as_fields(values)).explanation
        assert lines[2] == "reasons: " + "; ".join(reasons)
        assert lines[3] == "warnings: none"
        assert lines[4].startswith("prediction: ")
    expected = client.predict(**as_fields(EDGE))
    boundary, warnings = expected.boundary, "; ".join(expected.warnings)
    assert expected.near_boundary
    assert warnings.startswith("Age 120 is outside the training data's range")
    assert edge.returncode == 0, edge.stderr
    assert edge.stdout.splitlines()[3:5] == [
        f"near a decision boundary: Na_to_K 14.7 is {boundary['distance']} from "
        f"{boundary['threshold']}",
        f"warnings: {warnings}",
    ]


@pytest.mark.parametrize("language", ["node", "java"])
def test_example_reports_the_servers_field_message_and_a_bad_token(
    language, stack, token
):
    bad_value, bad_token = run_each(
        language, stack.url, [(BAD_BP, token), (EXAMPLES[0][0], "wrong-token")]
    )
    assert bad_value.returncode == 1
    assert bad_value.stderr.splitlines()[-2:] == [
        "Invalid input:",
        f"  bp: {BAD_BP_MESSAGE}",
    ]
    assert bad_token.returncode == 1
    assert bad_token.stderr.strip().endswith("HTTP 401: Invalid token.")
    assert bad_value.stdout == bad_token.stdout == ""


def test_curl_example_gives_the_tutorials_answers_from_both_endpoints(stack, token):
    cases = [(values, token) for values, _ in EXAMPLES]
    results = run_each("curl", stack.url, cases)
    for (_, drug), result in zip(EXAMPLES, results, strict=True):
        assert result.returncode == 0, result.stderr
        api, legacy = map(json.loads, result.stdout.splitlines())
        assert api["drug"] == drug
        assert api["probabilities"][drug] == 1.0
        assert api["explanation"]
        assert legacy == {"recommended_drug": drug}


def test_curl_example_shows_the_servers_message_and_fails(stack, token):
    bad_value, bad_token = run_each(
        "curl", stack.url, [(BAD_BP, token), (EXAMPLES[0][0], "wrong-token")]
    )
    assert bad_value.returncode == bad_token.returncode == 22
    assert json.loads(bad_value.stdout) == {"bp": [BAD_BP_MESSAGE]}
    assert json.loads(bad_token.stdout) == {"detail": "Invalid token."}


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system
