"""The queries behind predictions.quality: counts grouped in the database.

The log can hold millions of rows, so nothing here loads rows: each query answers
a few dozen groups (version x arm x predicted drug x prescribed drug). The outcome
table drives the quality queries, so only predictions with an outcome are joined.
A shadow's answer is paired with the served answer of the same request and batch
position (request_id, item_index: the log's request_id index finds it); the ORM has
no relation for that pairing, hence plain SQL, the same on SQLite and PostgreSQL.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from django.db import connection
from django.db.models import Count, F, Value
from django.db.models.functions import Coalesce

from ml.models import ModelVersion
from predictions.models import Arm, Outcome, Prediction, RecordedOutcome


class Cell(NamedTuple):
    """How many outcomes of one version and arm had this predicted and this
    prescribed drug."""

    version: str
    arm: str
    predicted: str
    prescribed: str
    count: int


def served_cells(since: datetime | None, until: datetime | None) -> list[Cell]:
    """Outcomes of served answers, grouped; rows logged before arms were recorded
    (arm NULL) were the active version's answers."""
    window = {}
    if since is not None:
        window["prediction__created_at__gte"] = since
    if until is not None:
        window["prediction__created_at__lt"] = until
    groups = (
        RecordedOutcome.objects.filter(**window)
        .exclude(prediction__arm=Arm.SHADOW)
        .values(
            version_name=F("prediction__model_version__version"),
            arm_name=Coalesce("prediction__arm", Value(Arm.ACTIVE.value)),
            predicted=F("prediction__drug"),
            prescribed=F("drug"),
        )
        .annotate(count=Count("id"))
        .order_by()
    )
    return [
        Cell(
            g["version_name"],
            g["arm_name"],
            g["predicted"],
            g["prescribed"],
            g["count"],
        )
        for g in groups
    ]


def tables() -> dict[str, str]:
    quote = connection.ops.quote_name
    return {
        "prediction": quote(Prediction._meta.db_table),
        "outcome": quote(RecordedOutcome._meta.db_table),
        "version": quote(ModelVersion._meta.db_table),
    }


def where_window(column: str, since, until) -> tuple[str, list]:
    """The SQL condition and parameters of a half-open time window on `column`,
    the times sent as the ORM sends them (SQLite: naive UTC text)."""
    conditions, params = [], []
    for bound, operator in ((since, ">="), (until, "<")):
        if bound is not None:
            conditions.append(f"{column} {operator} %s")
            params.append(connection.ops.adapt_datetimefield_value(bound))
    return "".join(f" AND {c}" for c in conditions), params


#: The values the SQL compares with, as literals: the code's own constants.
SQL = {
    "active": f"'{Arm.ACTIVE.value}'",
    "shadow": f"'{Arm.SHADOW.value}'",
    "answered": f"'{Outcome.ANSWERED.value}'",
}
#: The served row (p) of the same request and batch position as a shadow's (s).
SERVED_TWIN = (
    "JOIN {prediction} p ON p.request_id = s.request_id "
    "AND p.item_index = s.item_index AND p.outcome = {answered} "
    "AND COALESCE(p.arm, {active}) <> {shadow} "
)


def run(sql: str, params: list) -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql.format(**tables(), **SQL), params)
        return [tuple(row) for row in cursor.fetchall()]


def shadow_cells(since, until) -> list[Cell]:
    """Outcomes of served answers, judged against the shadow's answer to the same
    request: the shadow version's would-be quality."""
    window, params = where_window("p.created_at", since, until)
    sql = (
        "SELECT v.version, s.drug, o.drug, COUNT(*) FROM {outcome} o "
        "JOIN {prediction} p ON p.id = o.prediction_id "
        "JOIN {prediction} s ON s.request_id = p.request_id "
        "AND s.item_index = p.item_index AND s.arm = {shadow} "
        "JOIN {version} v ON v.id = s.model_version_id "
        "WHERE COALESCE(p.arm, {active}) <> {shadow}"
        f"{window} GROUP BY v.version, s.drug, o.drug"
    )
    return [Cell(v, Arm.SHADOW, s, o, n) for v, s, o, n in run(sql, params)]


def shadow_pairs(since, until) -> list[tuple]:
    """Per shadow version, served version and served arm: pairs, disagreements,
    pairs with an outcome, both right, only the served right, only the shadow
    right (windowed on the shadow rows' time)."""
    window, params = where_window("s.created_at", since, until)
    count = "SUM(CASE WHEN {} THEN 1 ELSE 0 END)".format
    sql = (
        "SELECT sv.version, pv.version, COALESCE(p.arm, {active}) AS served_arm, "
        f"COUNT(*), {count('s.drug <> p.drug')}, COUNT(o.id), "
        f"{count('o.drug = p.drug AND o.drug = s.drug')}, "
        f"{count('o.drug = p.drug AND o.drug <> s.drug')}, "
        f"{count('o.drug <> p.drug AND o.drug = s.drug')} "
        "FROM {prediction} s " + SERVED_TWIN + "JOIN {version} sv "
        "ON sv.id = s.model_version_id JOIN {version} pv ON pv.id = p.model_version_id "
        "LEFT JOIN {outcome} o ON o.prediction_id = p.id "
        f"WHERE s.arm = {{shadow}}{window} GROUP BY sv.version, pv.version, served_arm"
    )
    return run(sql, params)


def version_classes(versions: set[str]) -> dict[str, list[str]]:
    """Each named version's classes, in the model's order."""
    found = ModelVersion.objects.filter(version__in=versions)
    return dict(found.values_list("version", "classes"))
