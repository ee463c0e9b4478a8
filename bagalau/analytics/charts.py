"""Charts drawn on the server as inline SVG: pure functions from data to markup.

No JavaScript and nothing fetched from elsewhere: each function returns one `<svg>` element
with a `<title>` and an `aria-label` (the chart's title), every label escaped, scaled to
its container by its `viewBox` (readable on a 390 px phone). A value of `None` is a cell
withheld (fewer than three persons, 002 p16, p21): no bar is drawn and «—» is written in
its place. Every chart is followed on the page by the table of the same figures.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

from django.utils.safestring import SafeString, mark_safe

Number = int | float | Decimal
WITHHELD = "—"
# Colours distinguishable in print and by most colour-blind readers (Okabe-Ito).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999")

WIDTH = 360
LABEL_W = 130
ROW_H = 22
PAD = 8


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[Number | None]


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def _fmt(value: Number | None) -> str:
    if value is None:
        return WITHHELD
    if isinstance(value, int):
        return str(value)
    return f"{Decimal(str(value)).quantize(Decimal('0.01'))}"


def _clip(text: str, limit: int = 17) -> str:
    """Shortened to fit the label column (17 characters of 11 px fit its 130 units, wide letters too)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _clip_middle(text: str, limit: int = 50) -> str:
    """Shortened in the middle: band names differ at their ends («…тиімді атқарады»)."""
    if len(text) <= limit:
        return text
    head = (limit - 1) // 3
    return text[:head] + "…" + text[len(text) - (limit - 1 - head) :]


def _open(title: str, height: int) -> list[str]:
    t = _e(title)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" style="height:auto;max-width:min(100%,720px)" role="img" aria-label="{t}" class="chart" '
        f'font-family="sans-serif" font-size="11">',
        f"<title>{t}</title>",
    ]


def _close(parts: list[str]) -> SafeString:
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text above went through _e


def _row_label(y: float, label: str) -> str:
    return (
        f'<text x="{LABEL_W - 4}" y="{y + ROW_H / 2 + 4:.1f}" text-anchor="end">'
        f"<title>{_e(label)}</title>{_e(_clip(label))}</text>"
    )


def bar_chart(title: str, labels: Sequence[str], values: Sequence[Number | None]) -> SafeString:
    """Horizontal bars, one a label; the value written after each bar."""
    height = PAD * 2 + ROW_H * max(len(labels), 1)
    parts = _open(title, height)
    known = [float(v) for v in values if v is not None]
    top = max(known, default=0.0) or 1.0
    span = WIDTH - LABEL_W - 40
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = PAD + i * ROW_H
        parts.append(_row_label(y, label))
        w = 0.0 if value is None else span * float(value) / top
        if w > 0:
            parts.append(
                f'<rect x="{LABEL_W}" y="{y + 3}" width="{w:.1f}" height="{ROW_H - 6}" '
                f'fill="{PALETTE[0]}"><title>{_e(label)}: {_e(_fmt(value))}</title></rect>'
            )
        parts.append(
            f'<text x="{LABEL_W + w + 4:.1f}" y="{y + ROW_H / 2 + 4:.1f}">{_e(_fmt(value))}</text>'
        )
    return _close(parts)


def stacked_bar_chart(title: str, labels: Sequence[str], series: Sequence[Series]) -> SafeString:
    """One horizontal bar a label, stacked by series (e.g. units by band), with a legend."""
    legend_rows = len(series)  # one a line: band names are long
    height = PAD * 3 + ROW_H * max(len(labels), 1) + 16 * legend_rows
    parts = _open(title, height)
    totals = [
        sum((float(v) for s in series if (v := s.values[i]) is not None), 0.0)
        for i in range(len(labels))
    ]
    top = max(totals, default=0.0) or 1.0
    span = WIDTH - LABEL_W - 30
    for i, label in enumerate(labels):
        y = PAD + i * ROW_H
        parts.append(_row_label(y, label))
        x = float(LABEL_W)
        withheld = False
        for k, s in enumerate(series):
            value = s.values[i]
            if value is None:
                withheld = True
                continue
            w = span * float(value) / top
            if w > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{ROW_H - 6}" '
                    f'fill="{PALETTE[k % len(PALETTE)]}">'
                    f"<title>{_e(label)}, {_e(s.name)}: {_e(_fmt(value))}</title></rect>"
                )
            x += w
        if withheld:
            parts.append(f'<text x="{x + 4:.1f}" y="{y + ROW_H / 2 + 4:.1f}">{WITHHELD}</text>')
    base = PAD * 2 + ROW_H * max(len(labels), 1)
    for k, s in enumerate(series):
        lx = PAD
        ly = base + k * 16
        parts.append(
            f'<rect x="{lx}" y="{ly}" width="10" height="10" fill="{PALETTE[k % len(PALETTE)]}"/>'
            f'<text x="{lx + 14}" y="{ly + 9}"><title>{_e(s.name)}</title>'
            f"{_e(_clip_middle(s.name))}</text>"
        )
    return _close(parts)


def line_chart(
    title: str, labels: Sequence[str], values: Sequence[Number | None], *, top: Number = 5
) -> SafeString:
    """A line over the labels (e.g. quarters) on a 0..top axis; gaps where a value is None."""
    height = 180
    left, right, upper, lower = 30, WIDTH - 10, 12, height - 30
    parts = _open(title, height)
    parts.append(
        f'<line x1="{left}" y1="{lower}" x2="{right}" y2="{lower}" stroke="#666"/>'
        f'<line x1="{left}" y1="{upper}" x2="{left}" y2="{lower}" stroke="#666"/>'
    )
    for tick in range(int(top) + 1):
        ty = lower - (lower - upper) * tick / float(top)
        parts.append(f'<text x="{left - 4}" y="{ty + 4:.1f}" text-anchor="end">{tick}</text>')
    n = len(labels)
    step = (right - left) / max(n, 1)
    points: list[list[str]] = [[]]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = left + step * (i + 0.5)
        parts.append(
            f'<text x="{x:.1f}" y="{lower + 14}" text-anchor="middle" font-size="9">'
            f"{_e(_clip(label, 10))}</text>"
        )
        if value is None:
            points.append([])
            parts.append(
                f'<text x="{x:.1f}" y="{lower - 4}" text-anchor="middle">{WITHHELD}</text>'
            )
            continue
        y = lower - (lower - upper) * float(value) / float(top)
        points[-1].append(f"{x:.1f},{y:.1f}")
        parts.append(
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{PALETTE[0]}">'
            f"<title>{_e(label)}: {_e(_fmt(value))}</title></circle>"
            f'<text x="{x:.1f}" y="{y - 6:.1f}" text-anchor="middle" font-size="9">'
            f"{_e(_fmt(value))}</text>"
        )
    for run in points:
        if len(run) > 1:
            parts.append(
                f'<polyline points="{" ".join(run)}" fill="none" stroke="{PALETTE[0]}" '
                'stroke-width="2"/>'
            )
    return _close(parts)
