"""The fitted tree drawn as SVG on the server: no JavaScript, no external assets.

Built only from ``export_tree`` data, every text XML-escaped, so the markup is safe
to insert with ``|safe``. Leaves are spread evenly, parents centred over their
children; the ``viewBox`` lets it shrink to a phone. Each node is a ``<g
class="tree-node" data-node="<id>">``; those on ``path`` also have ``on-path``.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import pairwise
from xml.sax.saxutils import escape, quoteattr

from ml.treelayout import PAD, layout, shares, split_labels

HIGHLIGHT, HIGHLIGHT_FILL = "#1f6feb", "#e8f0fe"  # the site's accent colour
INK, MUTED, LINE = "#1d2433", "#5b6475", "#9aa3b2"
FONT, SMALL, BOX_H, ROW = 14, 12, 42, 80  # sizes, in px at 1:1
NARROW, WIDE = set("fijlrtI.,:;'|()[]- "), set("mwMW%=≤≥∈")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """Width of rendered text, measured on DejaVu Sans (wider than most UI fonts)."""
    ems = [0.36 if c in NARROW else 0.9 if c in WIDE else 0.64 for c in text]
    return (sum(ems) + 0.12 * sum(c.isupper() for c in text)) * size * (1 + bold / 8)


def node_texts(export: dict, rows: int | None) -> list[tuple[str, str, str]]:
    """Each node's two lines and tooltip: condition or drug, then training rows."""
    labels, share = split_labels(export), shares(export)
    counts = export.get("samples") or [round(s * rows) if rows else None for s in share]
    texts = []
    for n, v in enumerate(export["value"]):
        seen = f"{share[n]:.1%} of rows" if counts[n] is None else f"n = {counts[n]}"
        drug = export["classes"][v.index(max(v))]
        first, second = labels.get(n, (drug, seen))
        tip = f"{first} {second}? ({seen})" if n in labels else f"{drug}: {seen}"
        texts.append((first, second, f"{tip}, {max(v) / sum(v):.0%} {drug}"))
    return texts


def edge(a: int, b: int, ends: tuple, word: str, on: bool) -> str:
    """A line from a parent's bottom to a child's top, labelled yes or no."""
    x1, y1, x2, y2 = ends
    kind, colour, width = (" on-path", HIGHLIGHT, 3) if on else ("", LINE, 1.5)
    return (
        f'<g class="tree-edge{kind}" data-from="{a}" data-to="{b}"><line x1="{x1:.1f}"'
        f' y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{colour}" stroke-width='
        f'"{width}"/><text x="{(x1 + x2) / 2:.1f}" y="{(y1 + y2) / 2 + 4:.1f}" text-'
        f'anchor="middle" font-size="{SMALL}" fill="{MUTED}" stroke="#fff" stroke-'
        f'width="4" paint-order="stroke">{word}</text></g>'
    )


def box(n: int, at: tuple, texts: tuple, leaf: bool, on: bool) -> str:
    """One node: a box with two lines of text and a tooltip."""
    (x, y, w), (first, second, tip) = at, (escape(t) for t in texts)
    fill = HIGHLIGHT_FILL if on else "#f6f7f9" if leaf else "#ffffff"
    stroke, width = (HIGHLIGHT, 2.5) if on else (LINE, 1.2)
    kind = ("leaf" if leaf else "split") + (" on-path" if on else "")
    small = f' font-size="{SMALL}" fill="{MUTED}"' if leaf else ""
    return (
        f'<g class="tree-node {kind}" data-node="{n}"><title>{tip}</title><rect '
        f'x="{x - w / 2:.1f}" y="{y:.1f}" width="{w:.1f}" height="{BOX_H}" rx="6" '
        f'fill="{fill}" stroke="{stroke}" stroke-width="{width}"/><text x="{x:.1f}" '
        f'y="{y + 18:.1f}" text-anchor="middle" font-weight="600">{first}</text><text'
        f' x="{x:.1f}" y="{y + 35:.1f}" text-anchor="middle"{small}>{second}</text></g>'
    )


def describe(texts: list, left: list[int], path: list[int]) -> str:
    """The drawing in words, for screen readers: its size and the path shown."""
    steps = "".join(
        f"{' '.join(texts[a][:2])}: {('no', 'yes')[left[a] == b]}; "
        for a, b in pairwise(path)
    )
    shown = f" Highlighted path: {steps}{texts[path[-1]][0]}." if path else ""
    return f"Decision tree, {len(left)} nodes, {left.count(-1)} leaves.{shown}"


def tree_svg(export: dict, path: Sequence[int] = (), rows: int | None = None) -> str:
    """The tree as inline SVG markup, the nodes of `path` (root first) highlighted."""
    left, right, path = export["left"], export["right"], [int(n) for n in path]
    steps, texts = set(pairwise(path)), node_texts(export, rows)
    if path[:1] not in ([], [0]) or any(b not in (left[a], right[a]) for a, b in steps):
        raise ValueError(f"not a path from the root: {path}")
    widths = [  # a leaf's second line is small
        2 * PAD + max(text_width(a, FONT, True), text_width(b, FONT - 2 * (c == -1)))
        for (a, b, _), c in zip(texts, left, strict=True)
    ]
    xs, depth = layout(export, widths)
    ys = [PAD + d * ROW for d in depth]
    w = max(x + w / 2 for x, w in zip(xs, widths, strict=True)) + PAD
    h, label = max(ys) + BOX_H + PAD, describe(texts, left, path)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="tree-svg" role="img" viewBox='
        f'"0 0 {w:.0f} {h:.0f}" width="{w:.0f}" height="{h:.0f}" aria-label='
        f'{quoteattr(label)} font-size="{FONT}" fill="{INK}" font-family="system-ui, '
        '-apple-system, Segoe UI, Roboto, sans-serif" style="display:block;margin:0 '
        f'auto;max-width:100%;height:auto"><title>{escape(label)}</title>'
    ]
    links = [(a, left[a], "yes") for a in range(len(left)) if left[a] != -1]
    links += [(a, right[a], "no") for a, _, _ in links]
    links.sort(key=lambda link: link[:2] in steps)  # the path's edges drawn on top
    parts += [
        edge(a, b, (xs[a], ys[a] + BOX_H, xs[b], ys[b]), word, (a, b) in steps)
        for a, b, word in links
    ]
    parts += [
        box(n, (xs[n], ys[n], widths[n]), texts[n], left[n] == -1, n in path)
        for n in range(len(left))
    ]
    return "".join([*parts, "</svg>"])
