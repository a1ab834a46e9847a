"""PostgreSQL prepares the statements every answer runs (DATABASE_PREPARE_THRESHOLD,
drugsite/settings/services.py): the log's INSERT and the token's lookup are parsed
and planned once per connection, not on each call."""

import pytest
from django.db import connection

from drugsite import wsgi
from predictions.tests.lane_calls import call
from predictions.token_lookup import lookup_for
from predictions.tokens import token_create

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.usefixtures("kept_connection"),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="server-side prepared statements"
    ),
]
PATIENT = b'{"age": 60, "sex": "F", "bp": "HIGH", "cholesterol": "HIGH", "na_to_k": 20}'


def prepared() -> list[str]:
    """The statements prepared on the test's connection."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [statement for (statement,) in cursor.fetchall()]


def test_the_log_insert_and_the_token_lookup_are_prepared_after_a_few_calls(
    active_model, user
):
    key = token_create(user=user)[1]
    threshold = connection.settings_dict["OPTIONS"]["prepare_threshold"]
    headers = {"AUTHORIZATION": f"Token {key}"}

    statuses = [
        call(wsgi.application, "/api/v1/predictions/", body=PATIENT, **headers)[0]
        for _ in range(threshold + 2)
    ]

    assert statuses == ["201 Created"] * (threshold + 2)
    statements = prepared()
    lookup = lookup_for("default", "postgresql").driver_sql.replace("%s", "$1")
    assert lookup in statements
    assert any(s.startswith('INSERT INTO "predictions_prediction"') for s in statements)


def test_nothing_is_prepared_before_the_threshold(active_model, user):
    key = token_create(user=user)[1]
    headers = {"AUTHORIZATION": f"Token {key}"}

    call(wsgi.application, "/api/v1/predictions/", body=PATIENT, **headers)

    assert prepared() == []
