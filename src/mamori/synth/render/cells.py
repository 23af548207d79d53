"""What the spreadsheet renderers share: typed cell values and the optional summary sheet."""

from __future__ import annotations

import re
import zlib
from datetime import date

from mamori.synth.model import SynthDoc

#: Integers a person would type as a number: no leading zero, no more digits than a double keeps.
_INTEGER = re.compile(r"-?[1-9][0-9]{0,14}|0")
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]{0,8})\.[0-9]{1,6}")
_ISO_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")

SUMMARY_SHEET = "集計"

CellValue = int | float | date | str


def cell_value(text: str) -> CellValue:
    """The value a clerk's sheet would hold for *text*: a number or date where it reads
    back as the same text, else the text itself (so ``0722287907`` stays a string)."""
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text) and repr(float(text)) == text:
        return float(text)
    match = _ISO_DATE.fullmatch(text)
    if match:
        try:
            return date(int(match[1]), int(match[2]), int(match[3]))
        except ValueError:
            return text
    return text


def grid(doc: SynthDoc) -> list[tuple[str, ...]]:
    """Title rows, header, data rows, then one row per paragraph (a note under the table)."""
    rows = doc.table_rows() if (doc.header or doc.rows or doc.title_rows) else []
    rows.extend((p,) for p in doc.paragraphs)
    return rows


def summary_rows(doc: SynthDoc) -> list[tuple[str, ...]] | None:
    """A 集計 sheet (counts only, no personal data) for about half the table documents."""
    if not doc.rows or zlib.crc32(doc.title.encode("utf-8")) % 2:
        return None
    return [("区分", "件数"), ("合計", str(len(doc.rows)))]


def sheet_title(doc: SynthDoc) -> str:
    """The first sheet's name, made legal for Excel (≤ 31 chars, none of ``[]:*?/\\``)."""
    name = re.sub(r"[\[\]:*?/\\]", "_", doc.sheet_name).strip("'")[:31]
    return name or "Sheet1"
