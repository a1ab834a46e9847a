"""An answer near a boundary and the model card, in Chromium on a laptop and a phone.

The production stack (drugsite.serve) answers; the browser logs in, asks for the patient
at Na_to_K 14.9 (0.09 above the tree's threshold), and reads what a clinician
reads: the probability, the prediction set, the nearest flip and the tree with
this patient's path highlighted. Screenshots go to .ci-artifacts/browser/.
"""

import json
import re
import secrets

import pytest
from playwright.sync_api import Page, expect

from drugsite.tests.browser import SCREENS, SHOTS, site_with_superuser
from drugsite.tests.live import LiveStack
from ml.features import PatientRecord
from ml.treelayout import tree_path

USERNAME, PASSWORD = "clinician", secrets.token_urlsafe(16)
NEAR = PatientRecord(47, "F", "LOW", "HIGH", 14.9)
#: What the page measures: the highlighted path, its colour, and any overflow
#: (of the page, and of the tables that may scroll sideways inside it).
MEASURE = """() => {
  const svg = document.querySelector("svg.tree-svg");
  const nodes = (sel) => [...svg.querySelectorAll(sel)];
  const wide = [...document.querySelectorAll("main *")].filter(
      (e) => e.getBoundingClientRect().right > window.innerWidth + 0.5
          && !e.closest(".scroll")).map((e) => e.tagName + "." + e.className);
  const scrolled = [...document.querySelectorAll("main .scroll")].filter(
      (e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.innerText.slice(0, 40));
  return {
    path: nodes(".tree-node.on-path").map((g) => Number(g.dataset.node)),
    pathStroke: nodes(".tree-node.on-path rect").map(
        (r) => getComputedStyle(r).stroke),
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    svgRight: svg.getBoundingClientRect().right,
    wide: wide,
    scrolled: scrolled,
  };
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory, trained_store, static_collected) -> LiveStack:
    """One production stack with a superuser whose password we know."""
    stack = LiveStack(
        workdir=tmp_path_factory.mktemp("browser-answer"),
        store=trained_store,
        workers=2,
        extra_env={
            "DRUGSITE_ALLOW_ANONYMOUS": "0",
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
            "DJANGO_SUPERUSER_EMAIL": "clinician@example.org",
        },
    )
    yield from site_with_superuser(stack, USERNAME)


@pytest.fixture(scope="module")
def export(trained_store) -> dict:
    """The served model's tree, read from the artifact the stack registered."""
    folder = trained_store / (trained_store / "VERSION").read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    return json.loads((folder / manifest["compiled"]["file"]).read_text())


def opened(browser, screen: str, failures: list[str]) -> Page:
    """A signed-in page at a screen size; responses >= 400 and errors collected."""
    page = browser.new_context(**SCREENS[screen]).new_page()
    page.on("response", lambda r: r.status >= 400 and failures.append(r.url))
    page.on("console", lambda m: m.type == "error" and failures.append(m.text))
    return page


def log_in(page: Page, url: str) -> None:
    page.goto(url + "/accounts/login/?next=/")
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Log in')")
    expect(page).to_have_url(url + "/")


def prescribe(page: Page, record: PatientRecord) -> None:
    page.fill("#id_age", str(record.age))
    page.fill("#id_na_to_k", str(record.na_to_k))
    for name in ("sex", "bp", "cholesterol"):
        page.select_option(f"#id_{name}", getattr(record, name))
    page.click("button:has-text('Prescribe')")
    expect(page).to_have_url(re.compile(r"/\?shown=\d+$"))


def assert_fits(seen: dict) -> None:
    assert seen["scrollWidth"] <= seen["innerWidth"], seen
    assert seen["svgRight"] <= seen["innerWidth"], seen
    assert seen["wide"] == [], seen


@pytest.mark.parametrize("screen", list(SCREENS))
def test_a_clinician_sees_how_near_the_boundary_an_answer_is(
    site, browser, export, screen
):
    failures = []
    page = opened(browser, screen, failures)
    log_in(page, site.url)
    prescribe(page, NEAR)

    result = page.locator("#result")
    expect(result.locator(".drug")).to_have_text("DrugY")
    expect(result.locator(".certainty")).to_contain_text("Probability of DrugY: 72 %")
    expect(page.locator("#prediction-set")).to_have_text(
        "At 95 % coverage, cannot be told apart: DrugY or drugC"
    )
    flips = result.locator("ul.flips li").all_inner_texts()
    assert "Na_to_K ≤ 14.81 → drugC (0.09 below this patient's 14.9)" in flips
    page.locator("svg.tree-svg").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / f"answer-14.9-{screen}.png", full_page=True)
    result.screenshot(path=SHOTS / f"answer-14.9-{screen}-card.png")
    seen = page.evaluate(MEASURE)
    assert seen["path"] == tree_path(export, NEAR.as_row())
    assert set(seen["pathStroke"]) == {"rgb(31, 111, 235)"}
    assert_fits(seen)
    assert failures == []


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_model_card_opens_from_the_answer_and_fits_the_screen(
    site, browser, screen
):
    failures = []
    page = opened(browser, screen, failures)
    log_in(page, site.url)
    prescribe(page, NEAR)

    page.click("a.model-card")
    expect(page).to_have_url(re.compile(r"/models/[\w-]+/$"))
    expect(page.locator("h1")).to_contain_text("Model card")
    expect(page.locator("table.heat td")).to_have_count(25)
    expect(page.locator("svg.tree-svg .tree-node.on-path")).to_have_count(0)
    page.screenshot(path=SHOTS / f"model-card-{screen}.png", full_page=True)
    seen = page.evaluate(MEASURE)
    assert_fits(seen)
    assert seen["scrolled"] == []  # every table of the card fits, none scrolls
    assert failures == []


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system
