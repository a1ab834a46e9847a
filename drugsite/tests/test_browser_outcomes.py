"""A clinician records the drug prescribed from the form's history, in Chromium.

The production stack (drugsite.serve) answers; a Prescriber (not staff) logs in, asks
for the tutorial's patient, picks the drug prescribed in the history's row of that
answer and sees it recorded there; the API then shows it. Screenshots go to
.ci-artifacts/browser/.
"""

import json
import os
import re
import urllib.request

import pytest
from playwright.sync_api import Page, expect

from drugsite.tests.browser import SCREENS, SHOTS
from drugsite.tests.live import LiveStack

TUTORIAL = {"age": "47", "sex": "F", "bp": "LOW", "cholesterol": "HIGH"}


@pytest.fixture(scope="module")
def site(tmp_path_factory, trained_store, static_collected):
    """A production stack and a Prescriber with a password and a token."""
    stack = LiveStack(
        workdir=tmp_path_factory.mktemp("browser-outcomes"),
        store=trained_store,
        database="postgres" if os.environ.get("DATABASE_URL") else "sqlite",
        workers=2,
        extra_env={"DRUGSITE_ALLOW_ANONYMOUS": "0"},
    )
    stack.start()
    try:
        token, password = stack.user_with_token("clinician")
        yield stack, token, password
    finally:
        stack.close()


def signed_in(browser, url: str, password: str, screen: str, failures: list) -> Page:
    page = browser.new_context(**SCREENS[screen]).new_page()
    page.on("response", lambda r: r.status >= 400 and failures.append(r.url))
    page.on("console", lambda m: m.type == "error" and failures.append(m.text))
    page.goto(url + "/accounts/login/?next=/")
    page.fill("#id_username", "clinician")
    page.fill("#id_password", password)
    page.click("button:has-text('Log in')")
    expect(page).to_have_url(url + "/")
    return page


def prescribe(page: Page, na_to_k: str) -> int:
    """Ask for the tutorial's patient at `na_to_k`; the answer's log id."""
    page.fill("#id_age", TUTORIAL["age"])
    page.fill("#id_na_to_k", na_to_k)
    for name in ("sex", "bp", "cholesterol"):
        page.select_option(f"#id_{name}", TUTORIAL[name])
    page.click("button:has-text('Prescribe')")
    expect(page).to_have_url(re.compile(r"/\?shown=\d+$"))
    return int(page.url.rsplit("=", 1)[1])


def api_outcome(url: str, token: str, pk: int) -> dict:
    request = urllib.request.Request(
        f"{url}/api/v1/predictions/{pk}/", headers={"Authorization": f"Token {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.loads(response.read())["recorded_outcome"]


@pytest.mark.parametrize(("screen", "na_to_k"), [("laptop", "14"), ("phone", "13")])
def test_a_clinician_records_the_drug_prescribed_from_the_history(
    site, browser, screen, na_to_k
):
    stack, token, password = site
    failures = []
    page = signed_in(browser, stack.url, password, screen, failures)
    pk = prescribe(page, na_to_k)
    expect(page.locator("#result .drug")).to_have_text("drugC")
    cell = page.locator(f"#prescribed-{pk}")
    expect(cell.locator("select option")).to_have_text(
        ["choose…", "DrugY", "drugA", "drugB", "drugC", "drugX"]
    )

    cell.locator("select").select_option("drugX")
    page.locator("#history").screenshot(path=SHOTS / f"outcome-choose-{screen}.png")
    cell.locator("button:has-text('Record')").click()

    expect(page).to_have_url(f"{stack.url}/#prescribed-{pk}")
    expect(cell).to_have_text("prescribed: drugX")
    expect(cell.locator("select")).to_have_count(0)
    page.locator("#history").scroll_into_view_if_needed()
    page.screenshot(path=SHOTS / f"outcome-recorded-{screen}.png", full_page=True)
    page.locator("#history").screenshot(path=SHOTS / f"outcome-history-{screen}.png")
    outcome = api_outcome(stack.url, token, pk)
    assert (outcome["drug"], outcome["user"], outcome["source"]) == (
        "drugX",
        "clinician",
        "form",
    )
    assert failures == []


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system
