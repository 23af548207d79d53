"""Dates as Japanese files write them (昭和45年3月2日, S45.3.2, 平成元年, 1970/03/02) → datetime.date."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Polars only for column work: a scan of small files never loads it
    import polars as pl

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
_KNUM = "〇一二三四五六七八九十"
_Y = rf"元|\d{{1,2}}|[{_KNUM}]{{1,3}}"
_MD = rf"\d{{1,2}}|[{_KNUM}]{{1,3}}"

ERA_DATE = re.compile(
    rf"(?P<era>{_ERA_ALT})\.?\s*(?P<y>{_Y})\s*(?:年\s*(?P<m1>{_MD})\s*月\s*(?P<d1>{_MD})\s*日?"
    rf"|[./\-]\s*(?P<m2>\d{{1,2}})\s*[./\-]\s*(?P<d2>\d{{1,2}}))",
    re.IGNORECASE,
)
# Municipal systems write 昭和45年3月2日 as 3450302: an era code (1=明治 … 5=令和) and YYMMDD.
ERA_CODE_DATE = re.compile(r"\s*(?P<code>[1-5])(?P<y>\d{2})(?P<m>\d{2})(?P<d>\d{2})\s*")
_ERA_CODES = {"1": "明治", "2": "大正", "3": "昭和", "4": "平成", "5": "令和"}
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


def _number(text: str) -> int:
    """Arabic or kanji numerals (四十五, 十二, 二) → int."""
    if text.isdigit():
        return int(text)
    total, current = 0, 0
    for ch in text:
        if ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _KNUM.index(ch)
    return total + current


def parse_date(text: str) -> date | None:
    """The first date in *text* in any common Japanese or Gregorian form, or None.

    A whole value of seven digits is read as the era-code form (3450302 = 昭和45年3月2日).
    """
    norm = unicodedata.normalize("NFKC", text)
    code = ERA_CODE_DATE.fullmatch(norm)
    if code:
        era = _ERA_CODES[code.group("code")]
        return era_to_date(era, int(code.group("y")), int(code.group("m")), int(code.group("d")))
    m = ERA_DATE.search(norm)
    if m:
        year = 1 if m.group("y") == "元" else _number(m.group("y"))
        month = _number(m.group("m1") or m.group("m2"))
        day = _number(m.group("d1") or m.group("d2"))
        return era_to_date(m.group("era"), year, month, day)
    g = GREGORIAN_DATE.search(norm)
    if g:
        month = int(g.group("m1") or g.group("m2") or g.group("m3"))
        day = int(g.group("d1") or g.group("d2") or g.group("d3"))
        return _build(int(g.group("y")), month, day)
    return None


#: Municipal systems write 昭和45年3月2日 as 3450302: era code (1 明治 … 5 令和), year, month, day.
_ERA_CODES = {"1": "明治", "2": "大正", "3": "昭和", "4": "平成", "5": "令和"}
_CODE7 = re.compile(r"([1-5])(\d{2})(\d{2})(\d{2})")


@lru_cache(maxsize=1 << 16)
def parse_cell_date(text: str) -> date | None:
    """A date written alone in a table cell: every form :func:`parse_date` reads, and 7-digit era codes.

    Cached, because the same birth dates recur thousands of times in a big list.
    """
    norm = unicodedata.normalize("NFKC", text).strip()
    m = _CODE7.fullmatch(norm)
    if m:
        return era_to_date(_ERA_CODES[m.group(1)], int(m.group(2)), int(m.group(3)), int(m.group(4)))
    return parse_date(norm)


#: The form voter and resident lists use (昭和45年3月2日), already NFKC-stable: read column-wise.
_PLAIN_ERA_DATE = r"^(明治|大正|昭和|平成|令和)([0-9]{1,2}|元)年([0-9]{1,2})月([0-9]{1,2})日$"


def _plain_era_iso(values: pl.Series) -> pl.Series:
    """ISO dates of values in the plain era form (null where not that form, "" where no such date).

    The same arithmetic as :func:`era_to_date`: year 1 is 元年, the date must exist, and it must fall
    on or after its era's first day and before the next era's.
    """
    import polars as pl

    eras = [(names[0], start) for names, start in ERAS]  # newest first
    nexts = {name: eras[i - 1][1] if i else None for i, (name, _) in enumerate(eras)}
    starts = {name: start for name, start in eras}
    parts = values.str.extract_groups(_PLAIN_ERA_DATE).struct.rename_fields(["era", "y", "m", "d"]).struct.unnest()
    col = pl.col
    era_year = pl.when(col("y") == "元").then(pl.lit(1)).otherwise(col("y").cast(pl.Int32, strict=False))
    start = col("era").replace_strict(starts, default=None, return_dtype=pl.Date)
    end = col("era").replace_strict(nexts, default=None, return_dtype=pl.Date)
    year = start.dt.year().cast(pl.Int32) + era_year - 1
    text = pl.concat_str(year.cast(pl.String).str.zfill(4), pl.lit("-"), col("m").str.zfill(2), pl.lit("-"),
                         col("d").str.zfill(2))
    day = text.str.to_date("%Y-%m-%d", strict=False)
    fits = (era_year >= 1) & day.is_not_null() & (day >= start) & (end.is_null() | (day < end))
    out = parts.select(pl.when(col("era").is_null()).then(pl.lit(None, pl.String))
                       .when(fits).then(day.dt.to_string("%Y-%m-%d")).otherwise(pl.lit("")))
    return out.to_series()


def iso_dates(values: pl.Series) -> pl.Series:
    """``parse_cell_date(v).isoformat()`` of each value ("" where none), each distinct value once.

    The plain era form is read column-wise; any other form goes through :func:`parse_cell_date`.
    """
    import polars as pl

    distinct = values.unique().drop_nulls()
    iso = _plain_era_iso(distinct)
    others = iso.is_null()
    if others.any():
        rest = distinct.filter(others).to_list()
        parsed = pl.Series([(d.isoformat() if (d := parse_cell_date(v)) else "") for v in rest], dtype=pl.String)
        iso = iso.scatter(others.arg_true(), parsed)
    return values.replace_strict(distinct, iso, default="", return_dtype=pl.String)


def to_era(d: date) -> tuple[str, int]:
    """(era name, era year) of a Gregorian date."""
    for names, start in ERAS:
        if d >= start:
            return names[0], d.year - start.year + 1
    raise ValueError(f"{d} is before the Meiji era")
