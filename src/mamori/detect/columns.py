"""Tables, column first: find the header row, classify each column by header words and values."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from mamori.detect.my_number import is_valid_my_number
from mamori.detect.names.cell import name_score
from mamori.detect.phone import is_plausible_jp_number
from mamori.models import Table
from mamori.people.wareki import parse_date

#: Column kinds beyond the categories: the two halves of a split name.
FAMILY_NAME = "family_name"
GIVEN_NAME = "given_name"

# Header words per kind, matched against the header cell with spaces removed (NFKC).
# Exact words match only the whole cell; the others match as substrings.
_EXACT: dict[str, str] = {
    "姓": FAMILY_NAME, "氏": FAMILY_NAME, "苗字": FAMILY_NAME, "名": GIVEN_NAME, "名前(名)": GIVEN_NAME,
    "性": "gender", "年齢": "age", "歳": "age", "TEL": "phone", "電話": "phone", "〒": "postal_code",
}
_CONTAINS: tuple[tuple[str, str], ...] = (
    ("フリガナ", "name_kana"), ("ふりがな", "name_kana"), ("カナ", "name_kana"), ("ヨミ", "name_kana"),
    ("よみ", "name_kana"), ("氏名", "name"), ("名前", "name"), ("姓名", "name"), ("世帯主", "name"),
    ("申込者", "name"), ("被保険者名", "name"), ("児童名", "name"), ("保護者名", "name"),
    ("マイナンバー", "my_number"), ("個人番号", "my_number"), ("住民票コード", "resident_code"),
    ("郵便番号", "postal_code"), ("住所", "address"), ("居所", "address"), ("生年月日", "birth_date"),
    ("誕生日", "birth_date"), ("年齢", "age"), ("性別", "gender"), ("電話", "phone"), ("携帯", "phone"),
    ("TEL", "phone"), ("連絡先", "phone"), ("メール", "email"), ("E-MAIL", "email"), ("MAIL", "email"),
    ("要介護", "care_need"), ("介護度", "care_need"), ("要支援", "care_need"), ("障害", "disability"),
    ("障がい", "disability"), ("手帳等級", "disability"), ("病名", "health"), ("傷病", "health"),
    ("診断", "health"), ("既往歴", "health"), ("健診", "health"), ("給与", "salary"), ("給料", "salary"),
    ("基本給", "salary"), ("支給額", "salary"), ("学校", "school"), ("学年", "school"), ("在籍", "school"),
    ("被保険者番号", "insurance_number"), ("保険証", "insurance_number"), ("基礎年金番号", "pension_number"),
    ("年金番号", "pension_number"), ("口座番号", "bank_account"), ("免許証", "drivers_license"),
    ("旅券", "passport"), ("パスポート", "passport"), ("犯罪", "criminal_record"), ("前科", "criminal_record"),
)
# Headers that look like a name column but name something that is not a person.
_NOT_PERSON = ("施設", "会社", "法人", "団体", "事業所", "店", "品", "商品", "部品", "町名", "地区", "学校名", "課")

_ADDRESS_VALUE = re.compile(r"(都|道|府|県|市|区|町|村).*\d")
_EMAIL_VALUE = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")


@dataclass(frozen=True)
class ColumnType:
    """What one column of a table holds."""

    index: int
    kind: str  # a category id, FAMILY_NAME, GIVEN_NAME, or "" when nothing personal
    confidence: float
    by: str  # "header" or "values"


@dataclass(frozen=True)
class TableLayout:
    """The header row (None when the table has none) and the classified columns."""

    header_row: int | None
    columns: tuple[ColumnType, ...]

    def kinds(self) -> dict[str, list[int]]:
        out: dict[str, list[int]] = {}
        for c in self.columns:
            if c.kind:
                out.setdefault(c.kind, []).append(c.index)
        return out


def _clean(cell: str) -> str:
    return re.sub(r"[\s\u3000]+", "", unicodedata.normalize("NFKC", cell)).upper()


def header_kind(cell: str) -> str:
    """The kind a header cell names, or ""."""
    text = _clean(cell)
    if not text or len(text) > 20:
        return ""
    if text in _EXACT:
        return _EXACT[text]
    for word, kind in _CONTAINS:
        if word.upper() in text:
            if kind == "name" and any(n in text for n in _NOT_PERSON):
                return ""
            return kind
    return ""


def value_kind(values: Sequence[str]) -> tuple[str, float]:
    """The kind most of *values* have (by shape alone), with the share that matched."""
    sample = [unicodedata.normalize("NFKC", v).strip() for v in values if v.strip()]
    if len(sample) < 3:
        return "", 0.0
    checks: tuple[tuple[str, Callable[[str], bool]], ...] = (
        ("email", lambda v: bool(_EMAIL_VALUE.match(v))),
        ("my_number", is_valid_my_number),
        ("phone", lambda v: "-" in v and is_plausible_jp_number(v)),
        ("birth_date", lambda v: parse_date(v) is not None),
        ("address", lambda v: bool(_ADDRESS_VALUE.search(v))),
        ("gender", lambda v: v in ("男", "女", "男性", "女性")),
        ("name", lambda v: name_score(v) >= 0.5),
    )
    for kind, check in checks:
        share = sum(1 for v in sample if check(v)) / len(sample)
        if share >= 0.8:
            return kind, share
    return "", 0.0


def find_header(rows: Sequence[Sequence[str]], scan: int = 15) -> int | None:
    """Index of the row naming the most personal-data columns within the first *scan*.

    A name column counts double, so 氏名 + 所属 is a header but 電話 alone is not.
    """
    best, best_score = None, 1
    for i, row in enumerate(rows[:scan]):
        kinds = {header_kind(c) for c in row} - {""}
        score = len(kinds) + (1 if kinds & {"name", FAMILY_NAME} else 0)
        if score > best_score:
            best, best_score = i, score
    return best


def classify(table: Table, sample_rows: int = 200) -> TableLayout:
    """Header row and column kinds of *table*; headerless tables are classified by values."""
    rows = table.rows
    header = find_header(rows)
    body = rows[header + 1 :] if header is not None else rows
    sample = body[:sample_rows]
    columns: list[ColumnType] = []
    for index in range(table.width):
        kind = header_kind(rows[header][index]) if header is not None and index < len(rows[header]) else ""
        if kind:
            columns.append(ColumnType(index, kind, 0.9, "header"))
            continue
        values = [r[index] for r in sample if index < len(r)]
        vkind, share = value_kind(values)
        columns.append(ColumnType(index, vkind, round(0.5 + share / 3, 2) if vkind else 0.0, "values"))
    # A name-shaped column alone is not a person list: it needs a header or an identifying companion.
    kinds = {c.kind for c in columns}
    if header is None and not kinds & {"address", "birth_date", "phone", "email", "my_number"}:
        columns = [c if c.kind != "name" else ColumnType(c.index, "", 0.0, "values") for c in columns]
    return TableLayout(header, tuple(columns))
