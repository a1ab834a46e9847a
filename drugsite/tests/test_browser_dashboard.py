"""The dashboard in Chromium, on a laptop and a phone, as an Auditor sees it.

The production stack serves a log of seven days (written before the server
starts, as the service writes rows), outcomes for some of them, and the model's
change history. The charts must draw one bar a day with heights in proportion,
every section must fit the screen, and nothing may scroll sideways on a phone.
Screenshots go to .ci-artifacts/browser/.
"""

import os
import secrets

import pytest
from playwright.sync_api import Page, expect

from drugsite.tests.browser import SCREENS, SHOTS
from drugsite.tests.live import LiveStack

USERNAME, PASSWORD = "carol", secrets.token_urlsafe(16)
#: Answers per day, today first; the day with none still has its (empty) bar.
PER_DAY = (5, 12, 0, 30, 8, 20, 3)
OUTCOMES = 12  # the first rows get an outcome; one of them another drug
SEED = f"""
import uuid
from datetime import timedelta
from django.utils import timezone
from ml.models import ModelVersion
from predictions.audit.rowhash import row_hashes_set
from predictions.models import Prediction, RecordedOutcome
version, now, rows = ModelVersion.objects.active(), timezone.now(), []
drugs = ("DrugY", "drugX", "drugA", "drugB", "drugC")
for day, count in enumerate({PER_DAY}):
    for i in range(count):
        rows.append(Prediction(
            created_at=now - timedelta(days=day, seconds=i),
            request_id=uuid.uuid4().hex, drug=drugs[i % 5],
            channel=("api", "form", "legacy")[i % 3],
            model_version=version, arm="active", latency_us=4 + i % 7,
            age=20 + i, sex="FM"[i % 2], bp=("HIGH", "LOW", "NORMAL")[i % 3],
            cholesterol=("HIGH", "NORMAL")[i % 2], na_to_k=8.0 + i))
row_hashes_set(rows)
Prediction.objects.insert_many(rows)
for n, row in enumerate(rows[:{OUTCOMES}]):
    RecordedOutcome.objects.create(prediction=row, drug="drugX" if n == 0 and
        row.drug != "drugX" else row.drug, source="api", username="{USERNAME}")
"""
#: What the page measures: the bars, and anything wider than the screen (the
#: page, any element outside a sideways-scrolling box, any box that scrolls).
MEASURE = """() => {
  const right = (e) => e.getBoundingClientRect().right;
  return {
    answered: [...document.querySelectorAll("svg.day-bars g.day")].map(
        (g) => Number(g.dataset.answered)),
    heights: [...document.querySelectorAll("svg.day-bars rect.answered")].map(
        (r) => r.getBoundingClientRect().height),
    intervals: document.querySelectorAll("svg.intervals g.interval").length,
    points: document.querySelectorAll("svg.latency-lines circle.point").length,
    verdicts: document.querySelectorAll("#drift tr[class^=verdict-]").length,
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    charts: [...document.querySelectorAll("svg.chart")].map(right),
    wide: [...document.querySelectorAll("body *")].filter(
        (e) => right(e) > window.innerWidth + 0.5 && !e.closest(".scroll")
    ).map((e) => e.tagName + "." + e.getAttribute("class")),
    scrolled: [...document.querySelectorAll("main .scroll")].filter(
        (e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.innerText.slice(0, 40)),
  };
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, trained_store, static_collected) -> LiveStack:
    """The production stack with the seeded log and an Auditor, carol."""
    stack = LiveStack(
        workdir=tmp_path_factory.mktemp("browser-dashboard"),
        store=trained_store,
        database="postgres" if os.environ.get("DATABASE_URL") else "sqlite",
        workers=2,
        extra_env={"DRUGSITE_ALLOW_ANONYMOUS": "0"},
    )
    stack.start()
    try:
        stack.manage("shell", "-c", SEED)
        stack.manage(
            "shell",
            "-c",
            "from django.contrib.auth.models import User; "
            f"User.objects.create_user({USERNAME!r}, password={PASSWORD!r})",
        )
        stack.manage("grant_role", USERNAME, "auditor")
        yield stack
    finally:
        stack.close()


def signed_in(browser, site: LiveStack, screen: str, failures: list[str]) -> Page:
    """An Auditor's page at a screen size, on the dashboard; errors collected."""
    page = browser.new_context(**SCREENS[screen]).new_page()
    page.on("response", lambda r: r.status >= 400 and failures.append(r.url))
    page.on("console", lambda m: m.type == "error" and failures.append(m.text))
    page.goto(site.url + "/accounts/login/?next=/dashboard/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Log in')")
    expect(page).to_have_url(site.url + "/dashboard/")
    return page


@pytest.mark.parametrize("screen", list(SCREENS))
def test_an_auditor_reads_the_last_seven_days_on_any_screen(site, browser, screen):
    failures = []
    page = signed_in(browser, site, screen, failures)
    page.click("a:has-text('7 days')")
    expect(page.locator(".windows a[aria-current]")).to_have_text("7 days")
    expect(page.locator("h1")).to_have_text("Dashboard")
    page.click("summary:has-text('Figures per day')")
    expect(page.locator("table.daily tbody tr")).to_have_count(7)
    page.screenshot(path=SHOTS / f"dashboard-7-days-{screen}.png", full_page=True)
    seen = page.evaluate(MEASURE)

    assert seen["answered"] == list(reversed(PER_DAY))  # oldest first
    tallest = max(seen["heights"])
    assert [round(h / tallest * 30) for h in seen["heights"]] == seen["answered"]
    assert seen["points"] == 3 * sum(1 for n in PER_DAY if n)  # p50, p95, p99
    assert seen["intervals"] == 1  # the active version, judged on 12 outcomes
    assert seen["verdicts"] == 5  # one row per feature
    assert seen["scrollWidth"] <= seen["innerWidth"], seen
    assert all(right <= seen["innerWidth"] for right in seen["charts"]), seen
    assert seen["wide"] == [], seen
    assert seen["scrolled"] == [], seen  # no table scrolls sideways either
    assert failures == []


@pytest.mark.parametrize("screen", list(SCREENS))
def test_ninety_days_draw_ninety_bars_that_fit(site, browser, screen):
    failures = []
    page = signed_in(browser, site, screen, failures)
    page.goto(site.url + "/dashboard/?days=90")
    expect(page.locator("svg.day-bars g.day")).to_have_count(90)
    page.screenshot(path=SHOTS / f"dashboard-90-days-{screen}.png", full_page=True)
    seen = page.evaluate(MEASURE)
    assert sum(seen["answered"]) == sum(PER_DAY)
    assert seen["scrollWidth"] <= seen["innerWidth"], seen
    assert seen["wide"] == [], seen
    assert failures == []


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system
