"""Debian's Chromium as the browser tests start it: headless, no network of its own.

Nothing downloads a browser: Playwright drives /usr/bin/chromium. Screenshots go
to .ci-artifacts/browser/ (git-ignored).
"""

from drugsite.tests.live import BASE

SHOTS = BASE / ".ci-artifacts" / "browser"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
#: The two screens every page is checked on: a laptop, and a phone at 2x.
SCREENS = {
    "laptop": {"viewport": {"width": 1280, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}


def chromium_session():
    """Debian's Chromium under Playwright, for the `browser` fixture."""
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


def site_with_superuser(stack, username: str):
    """Start a stack whose superuser `username` has the stack's known password
    (DJANGO_SUPERUSER_PASSWORD in its environment); close it afterwards. The
    static files are collected first (the ``static_collected`` fixture): whitenoise
    indexes them when the server starts."""
    stack.start()
    try:
        stack.manage("createsuperuser", "--no-input", "--username", username)
        yield stack
    finally:
        stack.close()
