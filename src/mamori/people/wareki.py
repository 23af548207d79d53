"""Dates as Japanese files write them (昭和45年3月2日, S45.3.2, 平成元年, 1970/03/02) → datetime.date."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

# (era names and abbreviations, first day). Meiji is counted from 1868-01-25, the common table.
ERAS: tuple[tuple[tuple[str, ...], date], ...] = (
    (("令和", "令", "R"), date(2019, 5, 1)),
    (("平成", "平", "H"), date(1989, 1, 8)),
    (("昭和", "昭", "S"), date(1926, 12, 25)),
    (("大正", "大", "T"), date(1912, 7, 30)),
    (("明治", "明", "M"), date(1868, 1, 25)),
)
_ERA_START = {name: start for names, start in ERAS for name in names}
_ERA_ALT = "|".join(sorted(_ERA_START, key=len, reverse=True))
_SEP = r"\s*[./\-年]\s*"

ERA_DATE = re.compile(
    rf"(?P<era>{_ERA_ALT})\s*(?P<y>元|\d{{1,2}})\s*(?:年\s*(?P<m1>\d{{1,2}})\s*月\s*(?P<d1>\d{{1,2}})\s*日?"
    rf"|[./\-]\s*(?P<m2>\d{{1,2}})\s*[./\-]\s*(?P<d2>\d{{1,2}}))",
    re.IGNORECASE,
)
GREGORIAN_DATE = re.compile(
    r"(?P<y>(?:18|19|20)\d{2})\s*(?:年\s*(?P<m1>\d{1,2})\s*月\s*(?P<d1>\d{1,2})\s*日?"
    r"|[./\-]\s*(?P<m2>\d{1,2})\s*[./\-]\s*(?P<d2>\d{1,2})"
    r"|(?P<m3>\d{2})(?P<d3>\d{2})(?!\d))"
)


def _build(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def era_to_date(era: str, era_year: int, month: int, day: int) -> date | None:
    """The Gregorian date of an era date, or None when it does not exist or falls outside the era."""
    start = _ERA_START.get(era.upper() if era.isascii() else era)
    if start is None or era_year < 1:
        return None
    result = _build(start.year + era_year - 1, month, day)
    if result is None or result < start:
        return None
    for _, other_start in ERAS:
        if start < other_start <= result:
            return None  # past the end of this era (e.g. 昭和65年)
    return result


def parse_date(text: str) -> date | None:
    """The first date in *text* in any common Japanese or Gregorian form, or None."""
    norm = unicodedata.normalize("NFKC", text)
    m = ERA_DATE.search(norm)
    if m:
        year = 1 if m.group("y") == "元" else int(m.group("y"))
        month = int(m.group("m1") or m.group("m2"))
        day = int(m.group("d1") or m.group("d2"))
        return era_to_date(m.group("era"), year, month, day)
    g = GREGORIAN_DATE.search(norm)
    if g:
        month = int(g.group("m1") or g.group("m2") or g.group("m3"))
        day = int(g.group("d1") or g.group("d2") or g.group("d3"))
        return _build(int(g.group("y")), month, day)
    return None


def to_era(d: date) -> tuple[str, int]:
    """(era name, era year) of a Gregorian date."""
    for names, start in ERAS:
        if d >= start:
            return names[0], d.year - start.year + 1
    raise ValueError(f"{d} is before the Meiji era")
