"""The dashboard page (/dashboard/): who may open it, its windows, its figures,
and that its cost does not grow with the log."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from ml.models import ModelChange
from predictions.daily import DailyCount, DailyRollup
from predictions.models import RecordedOutcome
from predictions.roles import role_get, role_grant
from predictions.tests.test_dashboard_rollup import AT, DAY, TODAY, logged

URL = "/dashboard/"
ROLES = ("no_role", "prescriber", "auditor", "model_manager")


@pytest.fixture
def clients(django_user_model) -> dict[str, Client]:
    """A signed-in client per role, a superuser's, and an anonymous one."""
    found = {"anonymous": Client()}
    for role in ROLES:
        user = django_user_model.objects.create_user(role)
        if role != "no_role":
            role_grant(user=user, role=role_get(role))
        found[role] = Client()
        found[role].force_login(user)
    found["superuser"] = Client()
    found["superuser"].force_login(django_user_model.objects.create_superuser("root"))
    return found


def bars(response) -> list[tuple[str, int, int]]:
    """Each day's bar: (day, answered, rejected)."""
    found = re.findall(
        r'<g class="day" data-day="([\d-]+)" data-answered="(\d+)" '
        r'data-rejected="(\d+)">',
        response.content.decode(),
    )
    return [(day, int(answered), int(rejected)) for day, answered, rejected in found]


def mix(page: str, label: str) -> int:
    """The count a mix's bar shows for `label`."""
    bar = (
        r'</span><span class="bar"><span style="[^"]*"></span></span><span class="pct">'
    )
    return int(re.search(re.escape(label) + bar + r"(\d+)<", page).group(1))


def log_reads(queries) -> list[str]:
    return [q["sql"] for q in queries if '"predictions_prediction"' in q["sql"]]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("anonymous", 302),
        ("no_role", 403),
        ("prescriber", 403),
        ("auditor", 200),
        ("model_manager", 200),
        ("superuser", 200),
    ],
)
def test_only_auditors_model_managers_and_superusers_see_the_dashboard(
    clients, role, status
):
    response = clients[role].get(URL)
    assert response.status_code == status
    if role == "anonymous":
        assert response["Location"] == "/accounts/login/?next=/dashboard/"
    if status == 403:
        assert b"Not allowed" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["auditor", "model_manager", "superuser"])
def test_the_pages_header_links_the_dashboard_for_those_who_may_see_it(clients, role):
    assert b'href="/dashboard/"' in clients[role].get("/").content


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["auditor", "model_manager", "superuser"])
def test_the_admin_index_links_the_dashboard(clients, role):
    page = clients[role].get("/admin/")
    assert page.status_code == 200
    assert b'href="/dashboard/"' in page.content


@pytest.mark.django_db
def test_the_admin_index_of_staff_without_the_role_does_not(clients, django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_user("sam", is_staff=True))
    page = client.get("/admin/")
    assert page.status_code == 200
    assert b'href="/dashboard/"' not in page.content


@pytest.mark.django_db
def test_the_form_of_a_prescriber_does_not_link_the_dashboard(clients):
    page = clients["prescriber"].get("/")
    assert page.status_code == 200
    assert b'href="/dashboard/"' not in page.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "days"), [("", 30), ("?days=7", 7), ("?days=90", 90)]
)
def test_the_window_has_one_bar_a_day_up_to_today(clients, query, days):
    response = clients["auditor"].get(URL + query)
    assert response.status_code == 200
    found = bars(response)
    assert len(found) == days
    assert found[-1][0] == TODAY.isoformat()
    assert f'<a href="?days={days}" aria-current="page">'.encode() in response.content


@pytest.mark.django_db
@pytest.mark.parametrize("value", ["8", "abc", "", "07", "9" * 40])
def test_another_window_is_a_400_naming_the_choices(clients, value):
    response = clients["auditor"].get(URL, {"days": value})
    assert response.status_code == 400
    assert b"days: " in response.content
    assert b"use one of 7, 30, 90." in response.content
    assert b'<g class="day"' not in response.content


@pytest.mark.django_db
def test_the_figures_are_the_logs(clients, active_model):
    v = active_model
    logged(AT + timedelta(hours=9), [4, 5, 6], version=v)
    logged(AT + timedelta(hours=9), [7], version=v, channel="form", drug="DrugY")
    logged(AT + timedelta(hours=9), [0], outcome="rejected", drug="", arm=None)
    logged(AT + timedelta(hours=9), [9], version=v, arm="shadow")
    response = clients["auditor"].get(URL, {"days": 7})
    page = response.content.decode()
    assert (DAY.isoformat(), 4, 1) in bars(response)
    assert (
        "<strong>4</strong> answers served, <strong>1</strong> requests rejected"
        in page
    )
    assert "<strong>1</strong> shadow answers" in page
    assert (mix(page, "drugA"), mix(page, "DrugY")) == (3, 1)
    assert (mix(page, "REST API"), mix(page, "Web form")) == (3, 1)
    assert "p50 5 µs, p95 7 µs, p99 7 µs" in page  # 4 5 6 7: the shadow's 9 left out


@pytest.mark.django_db
def test_accuracy_per_version_and_arm_is_shown_with_its_interval(clients, active_model):
    rows = logged(AT, [5, 5, 5, 5], version=active_model)
    for row, drug in zip(rows, ["drugA", "drugA", "drugA", "drugX"], strict=True):
        RecordedOutcome.objects.create(prediction=row, drug=drug, source="api")
    page = clients["auditor"].get(URL).content.decode()
    assert re.search(
        rf'{active_model.version}</td><td data-label="Arm">active</td>'
        r'<td data-label="Outcomes">4</td><td data-label="Right">3</td>'
        r'<td data-label="Accuracy">0.750</td>',
        page,
    )
    assert page.count('<g class="interval">') == 1


@pytest.mark.django_db
def test_drift_is_shown_for_the_active_version(clients, active_model):
    logged(timezone.now(), [5, 5], version=active_model)
    page = clients["model_manager"].get(URL).content.decode()
    section = page[page.index('id="drift"') :]
    assert f"{active_model.version}</span>: 2 inputs served" in section


@pytest.mark.django_db
def test_the_latest_twenty_changes_are_shown_newest_first(clients, active_model):
    for n in range(25):
        ModelChange.objects.create(
            action="activate",
            version=active_model,
            reason=f"step {n} <script>",
            username="mona",
            created_at=timezone.now() + timedelta(minutes=n),
        )
    page = clients["auditor"].get(URL).content.decode()
    steps = [int(n) for n in re.findall(r"step (\d+) &lt;script&gt;", page)]
    assert steps == list(range(24, 4, -1))
    assert "<script>" not in page


def first_view_queries(client) -> int:
    """Queries of a view that must count the closed days and compute the rest."""
    DailyCount.objects.all().delete()
    DailyRollup.objects.all().delete()
    cache.clear()
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"days": 90}).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_the_pages_queries_do_not_grow_with_the_log(clients, active_model):
    def log_some(n: int) -> None:
        for day in range(0, 80, 7):
            logged(timezone.now() - timedelta(days=day), [5] * n, version=active_model)

    log_some(1)
    few = first_view_queries(clients["auditor"])
    log_some(20)
    assert first_view_queries(clients["auditor"]) == few


@pytest.mark.django_db
def test_a_second_view_reads_only_todays_rows_from_the_log(clients, active_model):
    for day in range(5):
        logged(timezone.now() - timedelta(days=day), [5, 6], version=active_model)
    clients["auditor"].get(URL)
    with CaptureQueriesContext(connection) as queries:
        response = clients["auditor"].get(URL)
    reads = log_reads(queries)
    assert len(reads) == 1, reads  # accuracy and drift: cached for a few minutes
    assert "GROUP BY" in reads[0]
    assert [bar[1:] for bar in bars(response)[-5:]] == [(2, 0)] * 5
