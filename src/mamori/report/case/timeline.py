"""The timeline chart as an inline SVG built here: no script, no network, nothing a strict CSP blocks.

One lane per server file: a bar while it was online (upload → deletion), a triangle at the upload,
a cross at the deletion, and a dot per client at its first and last counted access, coloured by
kind (external / crawler / owner). Each mark carries an SVG ``<title>`` (a tooltip without script).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from xml.sax.saxutils import escape, quoteattr

from mamori.report.case.text import w

COLOURS = {"external": "#c62828", "crawler": "#1565c0", "owner": "#757575"}
WIDTH = 1000
LABEL_W = 230
LANE_H = 22
TOP = 46
MAX_LANES = 60
_STEPS = (timedelta(hours=1), timedelta(hours=6), timedelta(days=1), timedelta(days=7))


@dataclass(frozen=True)
class Mark:
    """Counted accesses of one client to one file."""

    kind: str
    first: datetime
    last: datetime
    count: int
    who: str


@dataclass(frozen=True)
class Lane:
    """One server file on the chart."""

    label: str
    start: datetime | None
    end: datetime | None
    marks: tuple[Mark, ...] = ()


def _domain(lanes: Sequence[Lane]) -> tuple[datetime, datetime] | None:
    times = [t for lane in lanes for t in (lane.start, lane.end) if t is not None]
    times += [t for lane in lanes for m in lane.marks for t in (m.first, m.last)]
    if not times:
        return None
    low, high = min(times), max(times)
    pad = max((high - low) * 0.02, timedelta(minutes=30))
    return low - pad, high + pad


def _ticks(low: datetime, high: datetime, tz: tzinfo) -> list[tuple[datetime, str]]:
    span = high - low
    start = low.astimezone(tz)
    for step in _STEPS:
        if span / step <= 12:
            first = start.replace(minute=0, second=0, microsecond=0)
            if step >= timedelta(days=1):
                first = first.replace(hour=0)
            fmt = "%m-%d %H:%M" if step < timedelta(days=1) else "%Y-%m-%d"
            out = []
            t = first + step
            while t < high:
                out.append((t, t.strftime(fmt)))
                t += step
            return out
    out = []
    month = start.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    every = max(1, int(span / timedelta(days=30) // 12) + 1)
    while month < high:
        month = (month + timedelta(days=32 * every)).replace(day=1)
        if month < high:
            out.append((month, month.strftime("%Y-%m")))
    return out


def timeline_svg(lanes: Sequence[Lane], tz: tzinfo, lang: str = "ja") -> str:
    """The chart as an ``<svg>`` element (empty string when nothing has a time)."""
    domain = _domain(lanes)
    if domain is None:
        return ""
    low, high = domain
    shown = list(lanes[:MAX_LANES])
    height = TOP + LANE_H * len(shown) + 30
    plot = WIDTH - LABEL_W - 10

    def x(t: datetime) -> float:
        return round(LABEL_W + plot * ((t - low) / (high - low)), 1)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" id="timeline" role="img" width="{WIDTH}" '
             f'height="{height}" viewBox="0 0 {WIDTH} {height}" font-size="11" '
             f'font-family="IPAexGothic, Noto Sans CJK JP, sans-serif">',
             f"<title>{escape(w('timeline', lang))}</title>", _legend(lang)]
    for t, label in _ticks(low, high, tz):
        parts.append(f'<line x1="{x(t)}" y1="{TOP - 6}" x2="{x(t)}" y2="{height - 24}" stroke="#e0e0e0"/>'
                     f'<text x="{x(t)}" y="{height - 10}" text-anchor="middle" fill="#555">{escape(label)}</text>')
    for i, lane in enumerate(shown):
        y = TOP + i * LANE_H + LANE_H / 2
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 4}" text-anchor="end">{escape(_short(lane.label))}'
                     f"<title>{escape(lane.label)}</title></text>")
        start, end = lane.start or low, lane.end or high
        parts.append(f'<rect x="{x(start)}" y="{y - 5}" width="{max(x(end) - x(start), 1)}" height="10" '
                     f'fill="#eceff1" stroke="#b0bec5"><title>{escape(w("t.live", lang))}</title></rect>')
        if lane.start is not None:
            sx = x(lane.start)
            parts.append(f'<path d="M{sx} {y - 7} L{sx + 7} {y} L{sx} {y + 7} Z" fill="#2e7d32">'
                         f"<title>{escape(w('t.upload', lang))} {escape(_when(lane.start, tz))}</title></path>")
        if lane.end is not None:
            ex = x(lane.end)
            parts.append(f'<path d="M{ex - 5} {y - 5} L{ex + 5} {y + 5} M{ex - 5} {y + 5} L{ex + 5} {y - 5}" '
                         f'stroke="#000" stroke-width="2"><title>{escape(w("t.delete", lang))} '
                         f"{escape(_when(lane.end, tz))}</title></path>")
        for m in lane.marks:
            tip = quoteattr(m.who)[1:-1]
            for t in sorted({m.first, m.last}):
                parts.append(f'<circle cx="{x(t)}" cy="{y}" r="4" fill="{COLOURS.get(m.kind, "#000")}" '
                             f'fill-opacity="0.85"><title>{escape(w("k." + m.kind, lang))} {escape(tip)} '
                             f"×{m.count} {escape(_when(t, tz))}</title></circle>")
    if len(lanes) > len(shown):
        parts.append(f'<text x="{LABEL_W}" y="{height - 24}" fill="#555">… +{len(lanes) - len(shown)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _legend(lang: str) -> str:
    items = [("t.upload", '<path d="M0 -6 L7 0 L0 6 Z" fill="#2e7d32"/>'),
             ("t.delete", '<path d="M-4 -4 L4 4 M-4 4 L4 -4" stroke="#000" stroke-width="2"/>')]
    items += [(f"k.{kind}", f'<circle r="4" fill="{colour}"/>') for kind, colour in COLOURS.items()]
    out = []
    for i, (key, shape) in enumerate(items):
        left = LABEL_W + i * 130
        out.append(f'<g transform="translate({left},16)">{shape}<text x="12" y="4">{escape(w(key, lang))}</text></g>')
    return "".join(out)


def _short(label: str, limit: int = 34) -> str:
    return label if len(label) <= limit else "…" + label[-(limit - 1):]


def _when(t: datetime, tz: tzinfo) -> str:
    return t.astimezone(tz).strftime("%Y-%m-%d %H:%M")
