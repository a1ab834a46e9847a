"""The log's indexes: what lookups need, and nothing an INSERT pays for in vain."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def indexed_columns() -> list[list[str]]:
    with connection.cursor() as cursor:
        found = connection.introspection.get_constraints(
            cursor, "predictions_prediction"
        )
    return [c["columns"] for c in found.values() if c["index"] and not c["primary_key"]]


def test_user_alone_and_drug_have_no_index_of_their_own():
    columns = indexed_columns()

    assert ["drug"] not in columns
    assert ["user_id"] not in columns
    assert ["user_id", "created_at"] in columns  # serves every lookup by user


def test_the_lookups_the_log_pages_make_keep_their_indexes():
    columns = indexed_columns()

    for kept in (["created_at"], ["request_id"], ["model_version_id"], ["username"]):
        assert kept in columns
    assert columns.count(["request_id"]) == (
        2 if connection.vendor == "postgresql" else 1  # and its pattern-ops copy
    )
