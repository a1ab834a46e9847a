"""A real browser (Debian's Chromium) drives the production stack.

The production server runs with production settings over plain http on 127.0.0.1, so the
session and CSRF cookies are Secure: Chromium keeps them for 127.0.0.1, which it
treats as a secure context. Screenshots go to .ci-artifacts/browser/.
"""

import os
import re
import secrets
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from drugsite.tests.browser import SHOTS, site_with_superuser
from drugsite.tests.live import LiveStack

USERNAME, PASSWORD = "auditor", secrets.token_urlsafe(16)
TUTORIAL = {
    "age": "47",
    "sex": "F",
    "bp": "LOW",
    "cholesterol": "HIGH",
    "na_to_k": "14",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory, trained_store, static_collected) -> LiveStack:
    """One production stack for this module, with a superuser whose password we know."""
    stack = LiveStack(
        workdir=tmp_path_factory.mktemp("browser"),
        store=trained_store,
        database="postgres" if os.environ.get("DATABASE_URL") else "sqlite",
        workers=2,
        extra_env={
            "DRUGSITE_ALLOW_ANONYMOUS": "0",
            "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
            "DJANGO_SUPERUSER_EMAIL": "auditor@example.org",
        },
    )
    yield from site_with_superuser(stack, USERNAME)


@pytest.fixture
def failures() -> list[str]:
    """Every response of 400 or more, and every console error, the page met.

    The site has no favicon; the browser's own request for /favicon.ico is left out.
    """
    return []


def open_page(browser, failures: list[str], **context) -> Page:
    page = browser.new_context(**context).new_page()

    def on_response(response) -> None:
        if response.status >= 400:
            failures.append(f"{response.status} {response.url}")

    def on_console(message) -> None:
        url = message.location.get("url", "")
        if message.type == "error" and not url.endswith("/favicon.ico"):
            failures.append(f"{message.text} at {url}")

    page.on("response", on_response)
    page.on("console", on_console)
    return page


def shot(page: Page, name: str) -> Path:
    path = SHOTS / f"{name}.png"
    page.screenshot(path=path, full_page=True)
    return path


def log_in(page: Page, url: str) -> None:
    page.goto(url + "/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/$"))
    page.fill("#id_username", USERNAME)
    page.fill("#id_password", PASSWORD)
    page.click("button:has-text('Log in')")
    expect(page).to_have_url(url + "/")


def prescribe(page: Page, values: dict) -> None:
    page.fill("#id_age", values["age"])
    page.fill("#id_na_to_k", values["na_to_k"])
    for name in ("sex", "bp", "cholesterol"):
        page.select_option(f"#id_{name}", values[name])
    page.click("button:has-text('Prescribe')")
    expect(page).to_have_url(re.compile(r"/\?shown=\d+$"))


def reasons(page: Page) -> list[str]:
    return page.locator("ol.reasons li").all_inner_texts()


def test_a_clinician_logs_in_prescribes_twice_and_finds_both_in_the_audit_log(
    site, browser, failures
):
    page = open_page(browser, failures, viewport={"width": 1280, "height": 900})
    log_in(page, site.url)
    shot(page, "01-form-after-login")

    prescribe(page, TUTORIAL)
    expect(page.locator("#result .drug")).to_have_text("drugC")
    first = reasons(page)
    assert first[1:] == ["BP = LOW", "Cholesterol = HIGH"]
    assert re.fullmatch(r"Na_to_K 14\.0 <= 14\.\d+", first[0])
    shot(page, "02-drugC")

    prescribe(page, TUTORIAL | {"bp": "HIGH"})
    expect(page.locator("#result .drug")).to_have_text("drugA")
    assert reasons(page)[1:] == ["BP = HIGH", "Age 47 <= 50.5"]
    shot(page, "03-drugA")

    page.click("a:has-text('Audit log (admin)')")
    page.click("a[href='/admin/predictions/prediction/']")
    expect(page.locator("#result_list tbody tr")).to_have_count(2)
    drugs = page.locator("#result_list td.field-drug").all_inner_texts()
    assert drugs == ["drugA", "drugC"]  # newest first
    shot(page, "04-admin-prediction-list")
    assert failures == []


def test_the_form_fits_a_phone_screen_without_sideways_scrolling(
    site, browser, failures
):
    page = open_page(
        browser,
        failures,
        viewport={"width": 390, "height": 844},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    log_in(page, site.url)
    prescribe(page, TUTORIAL | {"na_to_k": "14.5"})
    expect(page.locator("#result .drug")).to_be_visible()

    widths = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    shot(page, "05-phone-form")
    assert widths[0] <= widths[1], widths
    assert failures == []


# Starts its own servers and chooses their databases itself.
pytestmark = pytest.mark.system
