"""predictions.quality against a table computed by hand.

Three versions: v1 active (one row logged before arms were recorded), v2 a
candidate, v3 in shadow beside both. Each row below is one served answer; its
outcome, when recorded, is the drug prescribed; its shadow twin (same request,
same batch position) answered by v3.
"""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ml import features as vocab
from ml.models import ModelVersion
from ml.reference import TUTORIAL_DEFAULT
from predictions.audit.rowhash import row_hashes_set
from predictions.models import Arm, AuthMethod, Channel, Outcome, Prediction
from predictions.outcome_services import outcome_record
from predictions.quality import quality_report, shadow_comparison

pytestmark = pytest.mark.django_db
NOW = timezone.now()
SINCE = NOW - timedelta(days=1)
#: (version, arm, request, batch position, served drug, prescribed, v3's drug)
TABLE = [
    ("v1", Arm.ACTIVE, "r1", 0, "DrugY", "DrugY", "DrugY"),  # both right
    ("v1", Arm.ACTIVE, "r1", 1, "DrugY", "DrugY", "drugC"),  # only served right
    ("v1", Arm.ACTIVE, "r3", 0, "drugC", "DrugY", "DrugY"),  # only shadow right
    ("v1", Arm.ACTIVE, "r4", 0, "drugC", "drugC", "drugX"),  # only served right
    ("v1", Arm.ACTIVE, "r5", 0, "drugA", "drugA", "drugA"),  # both right
    ("v1", Arm.ACTIVE, "r6", 0, "DrugY", None, "drugB"),  # no outcome, differ
    ("v1", Arm.ACTIVE, "r7", 0, "drugX", None, "drugX"),  # no outcome, agree
    ("v1", Arm.ACTIVE, "r8", 0, "drugA", "drugX", "drugB"),  # neither right
    ("v1", Arm.ACTIVE, "r9", 0, "DrugY", "DrugY", None),
    ("v1", Arm.ACTIVE, "r10", 0, "DrugY", "DrugY", None),
    ("v1", Arm.ACTIVE, "r11", 0, "drugA", "drugA", None),
    ("v1", None, "r12", 0, "drugC", "drugC", None),  # logged before arms
    ("v2", Arm.CANDIDATE, "c1", 0, "DrugY", "DrugY", None),
    ("v2", Arm.CANDIDATE, "c2", 0, "DrugY", "DrugY", None),
    ("v2", Arm.CANDIDATE, "c3", 0, "DrugY", "DrugY", None),
    ("v2", Arm.CANDIDATE, "c4", 0, "drugB", "drugX", "drugX"),  # only shadow
]
#: Before the window: counted only when no window is asked for.
OLD = ("v1", Arm.ACTIVE, "r0", 0, "drugX", "DrugY", None)


def logged_answer(version, arm, request, index, drug, when) -> Prediction:
    """One answer written as the service writes it."""
    row = Prediction.new(
        user=None,
        model_version=version,
        created_at=when,
        channel=Channel.API,
        outcome=Outcome.ANSWERED,
        username="",
        auth_method=AuthMethod.ANONYMOUS,
        request_id=request,
        correlation_id="",
        item_index=index,
        **TUTORIAL_DEFAULT.as_fields(),
        drug=drug,
        probabilities={drug: 1.0},
        arm=arm,
        explanation=[],
        warnings=[],
        near_boundary=False,
        latency_us=1,
    )
    row_hashes_set([row])
    Prediction.objects.insert_many([row])
    return row


@pytest.fixture
def table(admin_user):
    """The rows of TABLE and OLD in the log, outcomes recorded through the service."""
    versions = {
        name: ModelVersion.objects.create(
            version=name,
            artifact_path=name,
            sha256=name * 32,
            classes=list(vocab.LABELS),
        )
        for name in ("v1", "v2", "v3")
    }
    for entry, when in [(e, NOW) for e in TABLE] + [(OLD, NOW - timedelta(days=2))]:
        version, arm, request, index, drug, prescribed, shadow = entry
        row = logged_answer(versions[version], arm, request, index, drug, when)
        if shadow:
            logged_answer(versions["v3"], Arm.SHADOW, request, index, shadow, when)
        if prescribed:
            outcome_record(
                prediction_id=row.pk, drug=prescribed, user=admin_user, source="admin"
            )


def bounds(interval) -> tuple[float, float]:
    return round(interval.low, 4), round(interval.high, 4)


def recall_of(report) -> dict:
    return {r.drug: (r.correct, r.total, r.recall) for r in report.recall}


def test_each_version_and_arm_gets_its_accuracy_count_and_wilson_interval(table):
    reports = quality_report(since=SINCE)

    assert [(r.version, r.arm) for r in reports] == [
        ("v1", "active"),
        ("v2", "candidate"),
        ("v3", "shadow"),
    ]
    figures = [(r.count, r.correct, r.accuracy, bounds(r.interval)) for r in reports]
    assert figures == [
        (10, 8, 0.8, (0.4902, 0.9433)),
        (4, 3, 0.75, (0.3006, 0.9544)),
        (7, 4, 4 / 7, (0.2505, 0.8418)),
    ]


def test_recall_is_per_prescribed_drug(table):
    v1, v2, v3 = quality_report(since=SINCE)

    assert recall_of(v1) == {
        "DrugY": (4, 5, 0.8),
        "drugA": (2, 2, 1.0),
        "drugB": (0, 0, None),
        "drugC": (2, 2, 1.0),
        "drugX": (0, 1, 0.0),
    }
    assert recall_of(v2)["DrugY"] == (3, 3, 1.0)
    assert recall_of(v2)["drugX"] == (0, 1, 0.0)
    assert recall_of(v3)["DrugY"] == (2, 3, 2 / 3)
    assert recall_of(v3)["drugX"] == (1, 2, 0.5)


def test_the_confusion_matrix_counts_prescribed_against_predicted(table):
    v1, _, v3 = quality_report(since=SINCE)

    assert v1.classes == list(vocab.LABELS)
    nonzero = {
        (prescribed, predicted): count
        for prescribed, row in v1.confusion.items()
        for predicted, count in row.items()
        if count
    }
    assert nonzero == {
        ("DrugY", "DrugY"): 4,
        ("DrugY", "drugC"): 1,
        ("drugA", "drugA"): 2,
        ("drugC", "drugC"): 2,
        ("drugX", "drugA"): 1,
    }
    assert sum(map(sum, (row.values() for row in v3.confusion.values()))) == 7
    assert v3.confusion["DrugY"] == {
        "DrugY": 2,
        "drugA": 0,
        "drugB": 0,
        "drugC": 1,
        "drugX": 0,
    }


def test_the_window_is_on_the_time_of_the_answer(table):
    everything = {(r.version, r.arm): r for r in quality_report()}
    before = quality_report(until=SINCE)

    v1 = everything["v1", "active"]
    assert (v1.count, v1.correct, bounds(v1.interval)) == (11, 8, (0.4344, 0.9025))
    assert v1.confusion["DrugY"]["drugX"] == 1
    assert [(r.version, r.count, r.correct, bounds(r.interval)) for r in before] == [
        ("v1", 1, 0, (0.0, 0.7935))
    ]


def test_the_shadow_is_compared_with_the_served_answer_of_each_request(table):
    with_active, with_candidate = shadow_comparison(since=SINCE)

    assert (with_active.shadow_version, with_active.served_version) == ("v3", "v1")
    assert with_active.served_arm == "active"
    counts = (
        with_active.pairs,
        with_active.disagreements,
        with_active.with_outcome,
        with_active.both_right,
        with_active.served_only_right,
        with_active.shadow_only_right,
        with_active.neither_right,
    )
    assert counts == (8, 5, 6, 2, 2, 1, 1)
    assert with_active.disagreement_rate == 5 / 8
    assert with_active.served_accuracy == 4 / 6
    assert bounds(with_active.served_interval) == (0.3000, 0.9032)
    assert with_active.shadow_accuracy == 3 / 6
    assert bounds(with_active.shadow_interval) == (0.1876, 0.8124)
    assert (with_candidate.served_version, with_candidate.served_arm) == (
        "v2",
        "candidate",
    )
    assert (with_candidate.pairs, with_candidate.shadow_only_right) == (1, 1)


def test_no_outcomes_no_figures(db):
    assert quality_report() == []
    assert shadow_comparison() == []


def test_the_database_groups_the_counts_in_a_fixed_number_of_queries(table):
    with CaptureQueriesContext(connection) as queries:
        quality_report()
        shadow_comparison()

    assert len(queries) == 4
    assert all("GROUP BY" in q["sql"] for q in queries.captured_queries[:2])
    assert "GROUP BY" in queries.captured_queries[3]["sql"]
