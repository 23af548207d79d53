"""Tables, column first: find the header row(s), classify each column by header words AND values.

The header is searched among the first rows (title and blank rows above it are skipped; a header
may span two rows: 氏名 over 姓 | 名). Each column gets a kind from its header and from a sample of
its values; values override a misleading header and classify headerless tables alone. A date column
is a birth date by its header, or by values that spread over decades in a table of people (the
dates of a schedule do not). Whether the table is a table of people is decided last.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from mamori.detect.column_headers import (
    EVENT_DATE,
    FAMILY_KANA,
    FAMILY_NAME,
    GIVEN_KANA,
    GIVEN_NAME,
    OTHER,
    clean,
    header_kind,
    is_personal_kind,
)
from mamori.detect.column_infer import infer
from mamori.detect.column_values import DATE, value_kind, value_share
from mamori.detect.names.cell import name_score
from mamori.detect.organisations import share_not_person
from mamori.models import Table
from mamori.normalize.wareki import parse_cell_date

__all__ = ["FAMILY_KANA", "FAMILY_NAME", "GIVEN_KANA", "GIVEN_NAME", "ColumnType", "TableLayout", "classify",
           "find_header", "header_kind"]

HEADER_SCAN = 20
SAMPLE_ROWS = 200
#: Kinds a value check can confirm or refute; a header claiming one needs some values that pass.
_CHECKED = ("email", "phone", "my_number", "postal_code", "birth_date", "gender", "credit_card",
            "resident_code", "drivers_license")
#: Kinds strong enough by values to override what the header says.
_STRONG = ("email", "my_number", "phone", "postal_code", DATE)
_NAME_LIKE = ("name", FAMILY_NAME, "name_kana", FAMILY_KANA)
_KANA_KINDS = ("name_kana", FAMILY_KANA, GIVEN_KANA)
#: A column whose values are this often organisations, facilities or places is no column of names.
_NOT_PERSON_SHARE = 0.5
_IDENTIFYING = ("email", "my_number", "resident_code", "drivers_license", "passport", "insurance_number",
                "pension_number", "credit_card")
_COMPANIONS = ("address", "birth_date", "phone", "email", "my_number", "gender", "age", "postal_code")
_DATA_CELL = re.compile(r"^[\d\s\-‐－ー./:()（）〒+,年月日時分]+$|@")
_LONG_NUMBER = re.compile(r"\d{5,}")
_BIRTH_SPREAD_YEARS = 10
#: Confidence of a name column by values (0.5 + share / 3) that stands without a header or companions.
_SURE_NAMES = 0.75
_OLDEST = 115
#: A table this wide whose first rows hold one cell each starts with its title (平成27年度 選挙人名簿).
_MIN_TITLED_WIDTH = 3


@dataclass(frozen=True)
class ColumnType:
    """What one column of a table holds."""

    index: int
    kind: str  # a category id, a name part (FAMILY_NAME …), or "" when nothing personal
    confidence: float
    by: str  # "header", "values" or "header+values"


@dataclass(frozen=True)
class TableLayout:
    """Header rows (None when the table has none), the classified columns, and whether rows are people."""

    header_row: int | None
    columns: tuple[ColumnType, ...]
    people: bool = False
    first_row: int = 0
    header_rows: int = 0

    def kinds(self) -> dict[str, list[int]]:
        """Column indexes by kind (only personal kinds)."""
        out: dict[str, list[int]] = {}
        for c in self.columns:
            if c.kind:
                out.setdefault(c.kind, []).append(c.index)
        return out


def _is_data_cell(cell: str) -> bool:
    """A cell no header holds: numbers, a date (平成27年2月18日), a long number (堺第259638号), long text."""
    text = unicodedata.normalize("NFKC", cell).strip()
    return (bool(_DATA_CELL.search(text)) or len(text) > 30 or bool(_LONG_NUMBER.search(text))
            or (len(text) <= 24 and parse_cell_date(text) is not None))


def _row_score(row: Sequence[str]) -> tuple[int, int]:
    """(score, personal kinds) of *row* as a header."""
    cells = [c for c in row if c.strip()]
    if not cells:
        return 0, 0
    kinds = [header_kind(c) for c in cells]
    named = sum(1 for k in kinds if k)
    personal = len({k for k in kinds if is_personal_kind(k)})
    data = sum(1 for c, k in zip(cells, kinds, strict=True) if not k and _is_data_cell(c))
    if named == 0 or data > named:
        return 0, personal
    return named + personal - data, personal


def find_header(rows: Sequence[Sequence[str]], scan: int = HEADER_SCAN) -> int | None:
    """Index of the best header row within the first *scan* rows, or None.

    A row qualifies with two recognised header words, or one personal word in a narrow table.
    """
    best, best_score = None, 0
    for i, row in enumerate(rows[:scan]):
        score, personal = _row_score(row)
        filled = sum(1 for c in row if c.strip())
        qualifies = score >= 2 or (personal and filled <= 2 and score >= 1)
        if qualifies and score > best_score:
            best, best_score = i, score
    return best


def _second_header_row(rows: Sequence[Sequence[str]], header: int) -> bool:
    """True when the row after *header* continues it (姓 | 名 under a merged 氏名, 和暦 under 生年月日)."""
    if header + 1 >= len(rows):
        return False
    below = [c for c in rows[header + 1] if c.strip()]
    if not below or any(_is_data_cell(c) for c in below):
        return False
    kinds = [header_kind(c) for c in below]
    parts = (FAMILY_NAME, GIVEN_NAME, FAMILY_KANA, GIVEN_KANA)
    return any(k in parts for k in kinds) or (sum(1 for k in kinds if k) >= 1 and len(below) < len(
        [c for c in rows[header] if c.strip()]))


def _header_texts(rows: Sequence[Sequence[str]], header: int, two: bool, width: int) -> list[tuple[str, str]]:
    """(upper, lower) header text per column; a merged upper cell is carried over empty cells right of it."""
    top = list(rows[header]) + [""] * (width - len(rows[header]))
    if not two:
        return [(t, "") for t in top[:width]]
    bottom = list(rows[header + 1]) + [""] * (width - len(rows[header + 1]))
    out: list[tuple[str, str]] = []
    carried = ""
    for t, b in zip(top[:width], bottom[:width], strict=True):
        carried = t if t.strip() else (carried if b.strip() else "")
        out.append((carried, b))
    return out


def _combined_kind(top: str, bottom: str) -> str:
    upper, lower = header_kind(top), header_kind(bottom)
    if upper == "name_kana" and lower in (FAMILY_NAME, GIVEN_NAME):
        return FAMILY_KANA if lower == FAMILY_NAME else GIVEN_KANA
    if lower and lower != OTHER:
        return lower
    if top and bottom:
        both = header_kind(top + bottom)
        if both:
            return both
    return upper or lower


def _decide(header: str, values: Sequence[str]) -> tuple[str, float, str]:
    """(kind, confidence, by) for one column from its header kind and its sampled values."""
    vkind, share = value_kind(values)
    if header == EVENT_DATE:
        return "", 0.0, "header"
    if header == OTHER or not header:
        if header == OTHER and vkind not in ("email", "my_number"):
            return "", 0.0, "header"
        return (vkind, round(0.5 + share / 3, 2), "values") if vkind else ("", 0.0, "values")
    if vkind == header or (vkind == DATE and header == "birth_date"):
        return header, 0.97, "header+values"
    if header == "name" and vkind == "name_kana":
        return "name_kana", 0.9, "header+values"  # 口座名義 ﾔﾏﾀﾞ ﾀﾛｳ: the name as read
    if vkind in _STRONG and share >= 0.8 and not (vkind == DATE and header == "age"):
        return vkind, round(0.6 + share / 4, 2), "values"
    sample = [v for v in values if v.strip()]
    if header in _CHECKED and len(sample) >= 3 and value_share(header, sample) < 0.3:
        return "", 0.0, "header"
    data_like = sum(1 for v in sample if _is_data_cell(v))
    if header in ("name", FAMILY_NAME, GIVEN_NAME) and len(sample) >= 3 and data_like > len(sample) / 2:
        return "", 0.0, "header"
    if header in ("name", FAMILY_NAME) and share_not_person(sample) >= _NOT_PERSON_SHARE:
        return "", 0.0, "header"  # 名前 over 株式会社…, 中央図書館: a list of bodies or facilities
    return header, 0.85 if vkind == "" else 0.8, "header"


def _is_birth_spread(values: Sequence[str], today: date) -> bool:
    years = [d.year for v in values if (d := parse_cell_date(v)) is not None and d <= today]
    if len(years) < 3:
        return False
    return max(years) - min(years) >= _BIRTH_SPREAD_YEARS and today.year - min(years) <= _OLDEST


def _all_different(values: Sequence[str]) -> bool:
    """Dates of a header-less column that are nearly all different (a class's birthdays, not 申込日)."""
    return len(values) >= 2 and len(set(values)) >= 0.9 * len(values)


def _finish(columns: list[ColumnType], samples: list[list[str]], has_header: bool,
            things: frozenset[int] | set[int] = frozenset()) -> tuple[list[ColumnType], bool]:
    kinds = {c.kind for c in columns}
    if kinds & set(_KANA_KINDS):
        # Readings with no name beside them, in a table that names organisations, facilities or places
        # (法人名 + フリガナ, 市区町村名 + カナ, KEN_ALL's ﾎｯｶｲﾄﾞｳ ｻｯﾎﾟﾛｼ), or right of such a column
        # (法人名 | フリガナ | 代表者氏名): the readings of those, not of people.
        alone = not kinds & {"name", FAMILY_NAME} and (bool(things) or not has_header)
        columns = [ColumnType(c.index, "", 0.0, c.by) if c.kind in _KANA_KINDS
                   and (alone or c.index - 1 in things) else c for c in columns]
        kinds = {c.kind for c in columns}
    # A split name needs its family half; a lone 名 column is too ambiguous to be a name.
    if GIVEN_NAME in kinds and FAMILY_NAME not in kinds and "name" not in kinds:
        columns = [c if c.kind != GIVEN_NAME else ColumnType(c.index, "", 0.0, c.by) for c in columns]
    kinds = {c.kind for c in columns}
    if not has_header and "name" in kinds and not kinds & set(_COMPANIONS):
        # Without a header, names alone must be clearly names (a list of staff, of members).
        columns = [c if c.kind != "name" or c.confidence >= _SURE_NAMES else ColumnType(c.index, "", 0.0, c.by)
                   for c in columns]
        kinds = {c.kind for c in columns}
    dated = bool(kinds & {DATE, "birth_date"})
    people = bool(kinds & set(_NAME_LIKE) or kinds & set(_IDENTIFYING)
                  or (dated and kinds & {"address", "phone", "gender"}))
    today = date.today()
    out: list[ColumnType] = []
    for c in columns:
        if c.kind == DATE:
            birth = people and (_is_birth_spread(samples[c.index], today)
                                or (not has_header and _all_different(samples[c.index])))
            out.append(ColumnType(c.index, "birth_date", 0.7, "values") if birth else ColumnType(c.index, "", 0.0,
                                                                                              "values"))
        else:
            out.append(c)
    kinds = {c.kind for c in out}
    people = bool(kinds & set(_NAME_LIKE) or kinds & set(_IDENTIFYING)
                  or ("birth_date" in kinds and kinds & {"address", "phone", "gender"}))
    return out, people


def _thing_columns(texts: Sequence[tuple[str, str]], headers: Sequence[str], samples: list[list[str]]) -> set[int]:
    """Columns naming organisations, facilities or places: a header such as 法人名, 施設名, 市区町村名,
    or values that mostly are such names."""
    return {i for i, ((top, bottom), kind) in enumerate(zip(texts, headers, strict=True))
            if (kind == OTHER and clean(top + bottom).endswith(("名", "名称")))
            or (len(samples[i]) >= 2 and share_not_person(samples[i]) >= _NOT_PERSON_SHARE)}


def _first_data_row(rows: Sequence[Sequence[str]], width: int) -> int:
    """The first row of a header-less table's body: a title and blank rows above it are not rows
    (a row holding only a name is: a person with nothing else filled in)."""
    if width < _MIN_TITLED_WIDTH:
        return 0
    for i, row in enumerate(rows[:HEADER_SCAN]):
        filled = [c for c in row if c.strip()]
        if len(filled) >= 2 or (filled and name_score(filled[0]) >= _SURE_NAMES):
            return i
    return 0


def classify(table: Table, sample_rows: int = SAMPLE_ROWS) -> TableLayout:
    """Header row(s) and column kinds of *table*, and whether its rows are people."""
    rows = table.rows
    width = table.width
    header = find_header(rows)
    two = header is not None and _second_header_row(rows, header)
    first = (header + (2 if two else 1)) if header is not None else _first_data_row(rows, width)
    body = rows[first : first + sample_rows]
    texts = _header_texts(rows, header, two, width) if header is not None else [("", "")] * width
    header_cells = {clean(t + b) for t, b in texts}
    samples = [[r[i] for r in body if i < len(r) and r[i].strip() and clean(r[i]) not in header_cells]
               for i in range(width)]
    headers = [_combined_kind(*texts[i]) for i in range(width)]
    decided = infer([_decide(headers[i], samples[i]) for i in range(width)], headers, body, header is not None)
    columns = [ColumnType(i, *decided[i]) for i in range(width)]
    columns, people = _finish(columns, samples, header is not None, _thing_columns(texts, headers, samples))
    if not people:
        columns = [ColumnType(c.index, "", 0.0, c.by) if c.kind else c for c in columns]
    return TableLayout(header + (1 if two else 0) if header is not None else None, tuple(columns), people, first,
                       (2 if two else 1) if header is not None else 0)
