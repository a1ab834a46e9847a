"""The drawn tree in a real browser (Debian's Chromium), on a laptop and a phone.

The SVG is set inside a page styled with the site's own stylesheet, as the result
card would show it. Screenshots go to .ci-artifacts/browser/.
"""

import json
from pathlib import Path

import pytest
from playwright.sync_api import Page

from drugsite.tests.browser import SCREENS, SHOTS
from drugsite.tests.live import BASE
from ml.reference import TUTORIAL_DEFAULT
from ml.treelayout import tree_path
from ml.treesvg import FONT, HIGHLIGHT, tree_svg

#: What the page measures: colours, overflow, text in boxes, the text's scale.
MEASURE = """() => {
  const svg = document.querySelector("svg.tree-svg");
  const stroke = (sel) => [...svg.querySelectorAll(sel)].map(
      (e) => getComputedStyle(e).stroke);
  const spill = [...svg.querySelectorAll(".tree-node")].filter((g) => {
      const box = g.querySelector("rect").getBBox();
      return [...g.querySelectorAll("text")].some((t) => {
          const b = t.getBBox();
          return b.x < box.x || b.x + b.width > box.x + box.width;
      });
  }).map((g) => g.dataset.node);
  return {
    onPath: stroke(".tree-node.on-path rect"),
    offPath: stroke(".tree-node:not(.on-path) rect"),
    pathEdges: stroke(".tree-edge.on-path line"),
    scrollWidth: document.documentElement.scrollWidth,
    innerWidth: window.innerWidth,
    right: svg.getBoundingClientRect().right,
    scale: svg.getBoundingClientRect().width / svg.viewBox.baseVal.width,
    spill: spill,
  };
}"""


@pytest.fixture(scope="module")
def page_html(trained_store) -> str:
    """A page like the result card, with the tutorial patient's path drawn."""
    folder = trained_store / (trained_store / "VERSION").read_text()
    manifest = json.loads((folder / "manifest.json").read_text())
    export = json.loads((folder / manifest["compiled"]["file"]).read_text())
    path = tree_path(export, TUTORIAL_DEFAULT.as_row())
    svg = tree_svg(export, path, manifest["data"]["rows"])
    css = (BASE / "static" / "css" / "site.css").read_text()
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Tree</title><style>{css}</style></head><body><main>"
        f'<section class="card"><h2>How the tree decided</h2>{svg}</section>'
        "</main></body></html>"
    )


def shown(browser, html: str, screen: str) -> tuple[Page, list[str]]:
    """The page opened at a screen size; the requests and errors it caused."""
    page, events = browser.new_context(**SCREENS[screen]).new_page(), []
    page.on("request", lambda request: events.append(f"request {request.url}"))
    page.on("console", lambda m: m.type == "error" and events.append(m.text))
    page.set_content(html)
    return page, events


@pytest.mark.parametrize("screen", list(SCREENS))
def test_the_tree_fits_the_screen_with_the_path_highlighted(browser, page_html, screen):
    page, events = shown(browser, page_html, screen)
    page.screenshot(path=Path(SHOTS / f"tree-{screen}.png"), full_page=True)
    seen = page.evaluate(MEASURE)

    highlight = "rgb(31, 111, 235)"
    assert HIGHLIGHT == "#1f6feb"
    assert seen["onPath"] == [highlight] * 5  # root, BP, BP, Cholesterol, drugC
    assert seen["pathEdges"] == [highlight] * 4
    assert highlight not in seen["offPath"]
    assert seen["scrollWidth"] <= seen["innerWidth"], seen
    assert seen["right"] <= seen["innerWidth"], seen
    assert seen["spill"] == []  # every line of text inside its box
    assert seen["scale"] * FONT >= 9.5  # text no smaller than 9.5 CSS px
    assert events == []  # no downloads (no external assets), no errors


# Drives Chromium, like the other browser tests.
pytestmark = pytest.mark.system
