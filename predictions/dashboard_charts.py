"""The dashboard's charts drawn as SVG on the server: no JavaScript, no library.

As ml/treesvg.py: built from numbers and dates only, every text escaped, so the
markup is safe to insert with ``|safe``. Horizontal positions are percentages
of the chart's width and vertical ones pixels, so a chart fills a laptop's card
or a phone's screen with its text at its own size; nothing is scaled. Each day
is a ``<g class="day">`` of the bar chart; each dot a ``circle.point``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from itertools import pairwise
from xml.sax.saxutils import escape, quoteattr

ACCENT, BAD, WARN, MUTED, GRID = "#1f6feb", "#b42318", "#9a6700", "#5b6475", "#d9dde5"
SERIES = {"p50": ACCENT, "p95": WARN, "p99": BAD}
TOP, PLOT, BOTTOM = 24, 150, 22  # legend, plot area and date labels, px
ROW = 40  # one version and arm of the accuracy chart, px


def nice_ceiling(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above `value` (min. 1)."""
    if value <= 1:
        return 1
    power = 10 ** math.floor(math.log10(value))
    return next(step * power for step in (1, 2, 5, 10) if step * power >= value)


def number(value: float) -> str:
    """A scale's value: 0.5, 20, 5,000 or 1,000,000."""
    return f"{value:,.0f}" if value >= 10 else f"{value:g}"


def svg(kind: str, label: str, parts: list[str], height: int) -> str:
    """The chart's outer element, described in words for screen readers."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart {kind}" role="img" '
        f'width="100%" height="{height}" aria-label={quoteattr(label)} font-size='
        f'"12" fill="{MUTED}" font-family="system-ui, -apple-system, Segoe UI, '
        f'Roboto, sans-serif"><title>{escape(label)}</title>{"".join(parts)}</svg>'
    )


def legend(entries: Sequence[tuple[str, str]]) -> list[str]:
    """Coloured keys in a row at the top left, 80 px apart."""
    return [
        f'<rect x="{80 * i}" y="4" width="10" height="10" fill="{colour}"/>'
        f'<text x="{80 * i + 14}" y="13">{escape(name)}</text>'
        for i, (name, colour) in enumerate(entries)
    ]


def grid() -> list[str]:
    """Lines at 0, half and the top of the scale, under everything drawn."""
    return [
        f'<line x1="0" x2="100%" y1="{y}" y2="{y}" stroke="{GRID}"/>'
        for y in (TOP + PLOT, TOP + PLOT / 2, TOP)
    ]


def labels(top: float, unit: str, days: Sequence) -> list[str]:
    """Half and top of the scale at the right, over what is drawn (with a halo);
    under the plot the first and last day, and the middle one from five days."""
    parts = [
        f'<text x="100%" y="{y - 3}" text-anchor="end" stroke="#fff" stroke-width'
        f'="3" paint-order="stroke">{number(top * share)}{unit}</text>'
        for share, y in ((0.5, TOP + PLOT / 2), (1, TOP))
    ]
    middle, marks = len(days) // 2, [(0, "start", 0), (100, "end", len(days) - 1)]
    if len(days) >= 5:
        marks.append((100 * (middle + 0.5) / len(days), "middle", middle))
    return parts + [
        f'<text x="{x:.2f}%" y="{TOP + PLOT + 16}" text-anchor="{anchor}">'
        f"{days[i].day:%m-%d}</text>"
        for x, anchor, i in marks
    ]


def day_bars(days: Sequence) -> str:
    """Answers served per day, rejected requests stacked on them: a bar a day."""
    top = nice_ceiling(max(d.answered + d.rejected for d in days))
    slot, base = 100 / len(days), TOP + PLOT
    parts = legend((("answered", ACCENT), ("rejected", BAD))) + grid()
    for i, d in enumerate(days):
        served, refused = (PLOT * n / top for n in (d.answered, d.rejected))
        bar = f'x="{slot * (i + 0.15):.3f}%" width="{slot * 0.7:.3f}%"'
        parts.append(
            f'<g class="day" data-day="{d.day}" data-answered="{d.answered}" data-'
            f'rejected="{d.rejected}"><title>{d.day}: {d.answered} answered, '
            f"{d.rejected} rejected</title>"
            f'<rect class="answered" {bar} y="{base - served:.1f}" height='
            f'"{served:.1f}" fill="{ACCENT}"/><rect class="rejected" {bar} y='
            f'"{base - served - refused:.1f}" height="{refused:.1f}" fill="{BAD}"/></g>'
        )
    label = f"Predictions per day over {len(days)} days, up to {number(top)} a day."
    return svg("day-bars", label, parts + labels(top, "", days), TOP + PLOT + BOTTOM)


def latency_lines(days: Sequence) -> str:
    """Model time percentiles per day: a line per percentile, a dot per day."""
    values = [d.latency for d in days]
    top = nice_ceiling(max(v["p99"] or 0 for v in values))
    slot, parts = 100 / len(days), legend(list(SERIES.items())) + grid()
    for name, colour in SERIES.items():
        points = [
            (i, slot * (i + 0.5), TOP + PLOT * (1 - v[name] / top), v[name])
            for i, v in enumerate(values)
            if v[name] is not None
        ]
        parts += [
            f'<line x1="{a[1]:.3f}%" y1="{a[2]:.1f}" x2="{b[1]:.3f}%" y2="{b[2]:.1f}"'
            f' stroke="{colour}" stroke-width="2"/>'
            for a, b in pairwise(points)
            if b[0] == a[0] + 1  # a day without answers breaks the line
        ]
        parts += [
            f'<circle class="point {name}" cx="{x:.3f}%" cy="{y:.1f}" r="3" fill='
            f'"{colour}"><title>{days[i].day}: {name} {value} µs</title></circle>'
            for i, x, y, value in points
        ]
    label = f"Model time per day, p50, p95 and p99, up to {number(top)} µs."
    parts += labels(top, " µs", days)
    return svg("latency-lines", label, parts, TOP + PLOT + BOTTOM)


def intervals(rows: Sequence[tuple[str, float, float, float]]) -> str:
    """Accuracy of each (name, accuracy, low, high): a dot on its 95 % interval,
    over a scale from 0 to 100 %."""
    parts = []
    for i, (name, accuracy, low, high) in enumerate(rows):
        y = ROW * i + 34
        parts.append(
            f'<g class="interval"><title>{escape(name)}: {accuracy:.1%} ({low:.1%} '
            f'to {high:.1%})</title><text x="0" y="{y - 12}" fill="#1d2433">'
            f'{escape(name)}</text><line x1="0" x2="100%" y1="{y}" y2="{y}" stroke='
            f'"{GRID}"/><line x1="{low:.2%}" x2="{high:.2%}" y1="{y}" y2="{y}" '
            f'stroke="{ACCENT}" stroke-width="4"/><circle cx="{accuracy:.2%}" cy='
            f'"{y}" r="5" fill="{ACCENT}"/></g>'
        )
    y = ROW * len(rows) + 20
    parts += [
        f'<text x="{x}%" y="{y}" text-anchor="{anchor}">{x} %</text>'
        for x, anchor in ((0, "start"), (50, "middle"), (100, "end"))
    ]
    label = f"Accuracy with its 95 % interval, {len(rows)} versions and arms."
    return svg("intervals", label, parts, y + 6)
