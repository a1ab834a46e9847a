"""Page counts that stay cheap on a log of millions of rows (docs/scale.md).

Django's Paginator counts every row it pages over, ``SELECT COUNT(*)``: on a log
of millions, the slowest query of a list page, and one that grows with the log.
Here rows are counted exactly up to ``exact_up_to``, one bounded query; beyond
that, on PostgreSQL, the count is the planner's estimate (what ``EXPLAIN`` says:
``pg_class.reltuples`` scaled to the table's current size for the whole log, the
column statistics for a filter), never below what was counted. Other databases,
SQLite, meant for small logs, count exactly.
"""

from __future__ import annotations

import json

from django.core.paginator import Paginator
from django.db import connections
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination

EXACT_UP_TO = 1_000  # 20 pages of 50: counted exactly


class EstimatedCountPaginator(Paginator):
    """Django's Paginator over a queryset, whose count is exact up to
    ``exact_up_to`` rows and estimated beyond."""

    exact_up_to = EXACT_UP_TO

    @cached_property
    def count(self) -> int:
        rows = self.object_list.order_by().values("pk")  # no sort, no join
        counted = rows[: self.exact_up_to + 1].count()
        if counted <= self.exact_up_to:
            return counted
        return max(counted, estimated_count(rows))


def estimated_count(rows: QuerySet) -> int:
    """How many rows the queryset holds, as the database estimates it."""
    if connections[rows.db].vendor != "postgresql":
        return rows.count()
    plan = json.loads(rows.explain(format="json"))
    return int(plan[0]["Plan"]["Plan Rows"])


class LogPagination(PageNumberPagination):
    """DRF's page numbers and response shape, with the estimated count."""

    django_paginator_class = EstimatedCountPaginator

    def get_paginated_response_schema(self, schema: dict) -> dict:
        response = super().get_paginated_response_schema(schema)
        response["properties"]["count"]["description"] = (
            f"Rows matching: exact up to {EXACT_UP_TO:,}; above that, on "
            "PostgreSQL, the database's estimate (at least what was counted)."
        )
        return response
