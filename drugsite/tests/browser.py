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
