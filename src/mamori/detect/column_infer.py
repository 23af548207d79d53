"""Column kinds that only the whole table tells: what one column's values cannot say alone.

A header-less export splits 遠藤 | 政子 over two columns, writes ages as bare numbers and genders as
1/2 codes; a 7-digit number is an account number beside a bank column, a 10-digit number an insured
person's number in a list of care levels. These rules look at neighbouring columns and at the rows
together (age + birth year is the same year on every row of a list made on one day).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from itertools import pairwise

from mamori.detect.column_headers import FAMILY_KANA, FAMILY_NAME, GIVEN_KANA, GIVEN_NAME, OTHER
from mamori.detect.column_values import DATE
from mamori.detect.insurance_number import is_symbol_number
from mamori.detect.names.cell import split_name
from mamori.detect.names.lexicon import SURNAME, fold, lexicon
from mamori.detect.organisations import is_place
from mamori.detect.passport import is_passport_number
from mamori.detect.salary import amount_yen
from mamori.normalize.text import digits
from mamori.normalize.wareki import parse_cell_date

Row = Sequence[str]
#: (kind, confidence, by) per column, as ``columns._decide`` gives them.
Decided = tuple[str, float, str]

_INT = re.compile(r"[1-9]\d{0,2}")
_GENDER_CODES = frozenset({"1", "2"})
#: Under a 性別 header: JIS X 0303 / ISO 5218 codes (0 unknown, 1 male, 2 female, 9 not applicable).
_HEADED_GENDER_CODES = frozenset({"0", "1", "2", "9"})
_SEVEN = re.compile(r"\d{7}")
_TEN = re.compile(r"\d{10}")
_BANK_WORDS = ("銀行", "信用金庫", "信金", "信用組合", "労働金庫", "農協", "JA", "ゆうちょ", "支店")
_ACCOUNT_TYPES = frozenset({"普通", "当座", "貯蓄", "総合"})
_MIN = 3
#: School grades run 1–6 (小学校) or 1–9 (義務教育学校); in a table with a school column they are grades.
_MAX_GRADE = 9
#: Job titles of a staff list (主事, 課長補佐, 会計年度任用職員): amounts beside them are pay.
_POSTS = ("主事", "主任", "主査", "主幹", "係長", "課長", "補佐", "部長", "次長", "局長", "室長", "所長", "参事",
          "技師", "監", "理事", "職員", "嘱託", "教諭", "校長", "教頭", "園長", "保育士", "保健師", "看護師",
          "栄養士", "司書", "事務員", "技能員")
#: Monthly pay starts about here (yen); an allowance or a fee (児童手当 10,000) stays below.
_MIN_PAY = 50_000
#: Rows per distinct value above which a phone column is a shared line (a section's, an office's).
_SHARED_PHONE = 2.0
#: The subscriber part of a Japanese number; what precedes it is the area code and the exchange.
_LINE_DIGITS = 4


def _cells(rows: Sequence[Row], i: int) -> list[str]:
    return [unicodedata.normalize("NFKC", r[i]).strip() if i < len(r) else "" for r in rows]


def _filled(values: list[str]) -> list[str]:
    return [v for v in values if v]


def _is_surname(value: str) -> bool:
    return bool(lexicon().words.get(fold(value), 0) & SURNAME)


def _split_name_pair(rows: Sequence[Row], i: int) -> bool:
    """Columns *i* and *i*+1 hold a family name and a given name on most rows."""
    pairs = [(a, b) for a, b in zip(_cells(rows, i), _cells(rows, i + 1), strict=True) if a or b]
    if len(pairs) < _MIN or any(" " in a or len(a) > 5 or len(b) > 6 for a, b in pairs):
        return False
    family = sum(1 for a, _ in pairs if _is_surname(a)) / len(pairs)
    whole = sum(1 for a, b in pairs if split_name(f"{a} {b}") is not None) / len(pairs)
    return family >= 0.7 and whole >= 0.7


def _kana_pair(values: list[list[str]], i: int) -> bool:
    return all(v and all(" " not in c for c in _filled(v)) for v in (values[i], values[i + 1]))


def _birth_like(values: list[str]) -> bool:
    """Dates over more than one year: a date column that can be birth dates (an 申込日 column cannot)."""
    years = {d.year for v in values if v and (d := parse_cell_date(v)) is not None}
    return len(years) >= 2


def _age_column(values: list[str], births: list[str] | None, headerless: bool, school: bool = False) -> bool:
    """Bare numbers that are ages: consistent with the birth dates, or plausibly spread.

    Beside a school column, small numbers are grades (学年 9 and a birth year agree as well as an age).
    """
    filled = _filled(values)
    if len(filled) < _MIN or not all(_INT.fullmatch(v) and int(v) <= 110 for v in filled):
        return False
    if school and max(int(v) for v in filled) <= _MAX_GRADE:
        return False
    if births is not None and len(set(filled)) >= 2:
        years = [int(a) + d.year for a, b in zip(values, births, strict=True)
                 if a and (d := parse_cell_date(b)) is not None]
        if len(years) >= _MIN:
            return max(years) - min(years) <= 2
    if not headerless:
        return False
    ages = [int(v) for v in filled]
    if len(set(ages)) < 2:
        return False  # one number on every row is a grade or a class, as likely as an age
    steps = sum(1 for a, b in pairwise(ages) if b - a == 1)
    return max(ages) >= 18 and max(ages) - min(ages) >= 8 and steps < len(ages) / 2


def _gender_codes(values: list[str], headed: bool = False) -> bool:
    """1/2 codes: both on four rows or more without a header; under a 性別 header, any rows of codes."""
    filled = _filled(values)
    if headed:
        return bool(filled) and set(filled) <= _HEADED_GENDER_CODES
    return len(filled) >= 4 and set(filled) == _GENDER_CODES


def _bank_beside(values: list[list[str]]) -> bool:
    """Some column names banks or account types (the neighbour of an account-number column)."""
    for column in values:
        filled = _filled(column)
        if filled and sum(1 for v in filled if v in _ACCOUNT_TYPES or any(w in v for w in _BANK_WORDS)) \
                >= 0.8 * len(filled):
            return True
    return False


def _is_post(value: str) -> bool:
    return 0 < len(value) <= 12 and value.endswith(_POSTS)


def _posts_beside(values: list[list[str]]) -> bool:
    """Some column holds job titles on most rows (a staff list)."""
    return any(len(f := _filled(c)) >= _MIN and sum(map(_is_post, f)) >= 0.8 * len(f) for c in values)


def _pay_column(values: list[str], posts: bool) -> bool:
    """Money amounts of a pay size on every row of a staff list (給料月額 without its header)."""
    amounts = [amount_yen(v) for v in _filled(values)]
    return posts and len(amounts) >= _MIN and all(a is not None and a >= _MIN_PAY for a in amounts)


def _shared_phone(values: list[str], kinds: list[str], posts: bool) -> bool:
    """A header-less staff list's phone column of office lines, not people's: numbers that repeat across
    rows (a section's line), or direct lines that all share one exchange (072-228-7xxx).

    Residents' lists are left alone: a household's members share their home phone.
    """
    filled = _filled(values)
    if not posts or len(filled) < _MIN or "address" in kinds:
        return False
    return len(filled) >= _SHARED_PHONE * len(set(filled)) or len({digits(v)[:-_LINE_DIGITS] for v in filled}) == 1


def _distinct_shapes(values: list[str], check: Callable[[str], bool]) -> bool:
    """Every value of the shape, nearly all different: one person's number per row."""
    filled = _filled(values)
    return len(filled) >= _MIN and all(map(check, filled)) and len(set(filled)) >= 0.9 * len(filled)


#: The rest of an address split over columns: a town (愛住町, 北一条西) or its block number (1-6, 3丁目2番).
_TOWN_CELL = re.compile(r"[\u3041-\u30ff\u4e00-\u9fff々ヶ]{1,12}(?:[0-9一二三四五六七八九十]+丁目)?")
_BLOCK_CELL = re.compile(r"[0-9]{1,4}(?:(?:[-ー－]|丁目|番地?|号|の)[0-9]{0,4}){0,4}")


def _split_address(values: list[list[str]], free: list[bool]) -> list[int]:
    """Columns that together are one address: a prefecture column, then municipality, town and block
    columns (東京都 | 新宿区 | 愛住町 | 1-6), in a table whose header does not say so; [] when none."""
    for i, column in enumerate(values):
        filled = _filled(column)
        if not free[i] or len(filled) < _MIN or sum(map(is_place, filled)) < 0.8 * len(filled):
            continue
        cols = [i]
        for j in range(i + 1, min(len(values), i + 4)):
            rest = _filled(values[j])
            if not free[j] or len(rest) < 0.8 * len(filled):
                break
            if sum(1 for v in rest if is_place(v) or _TOWN_CELL.fullmatch(v) or _BLOCK_CELL.fullmatch(v)) \
                    < 0.8 * len(rest):
                break
            cols.append(j)
        if len(cols) >= 2:
            return cols
    return []


def infer(decided: list[Decided], headers: list[str], rows: Sequence[Row], has_header: bool) -> list[Decided]:
    """*decided* with the kinds only the table as a whole shows; *headers* are the header kinds."""
    width = len(decided)
    values = [_cells(rows, i) for i in range(width)]
    out = list(decided)
    kinds = [k for k, _, _ in out]
    free = [not kinds[i] and headers[i] in ("", OTHER) for i in range(width)]
    has_name = any(k in ("name", FAMILY_NAME) and by != "values" for k, _, by in out)
    # 遠藤 | 政子: a family name and a given name in two columns without a header (or with 姓名 over both).
    if not has_name:
        for i in range(width - 1):
            if (free[i] or kinds[i] == "name") and (free[i + 1] or kinds[i + 1] == "name") \
                    and _split_name_pair(rows, i):
                out[i], out[i + 1] = (FAMILY_NAME, 0.8, "values"), (GIVEN_NAME, 0.8, "values")
                kinds[i], kinds[i + 1] = FAMILY_NAME, GIVEN_NAME
                free[i] = free[i + 1] = False
                break
    for i in range(width - 1):
        if kinds[i] == kinds[i + 1] == "name_kana" and _kana_pair(values, i):
            out[i], out[i + 1] = (FAMILY_KANA, out[i][1], out[i][2]), (GIVEN_KANA, out[i + 1][1], out[i + 1][2])
            kinds[i], kinds[i + 1] = FAMILY_KANA, GIVEN_KANA
    births = next((values[i] for i in range(width) if kinds[i] in ("birth_date", DATE) and _birth_like(values[i])),
                  None)
    named = any(k in ("name", FAMILY_NAME, "name_kana", FAMILY_KANA) for k in kinds)
    school = "school" in kinds or "school" in headers
    posts = named and not has_header and _posts_beside(values)
    if named and "address" not in kinds:
        for i in _split_address(values, free):
            out[i], kinds[i], free[i] = ("address", 0.7, "values"), "address", False
    for i in range(width):
        if kinds[i] == "gender" and headers[i] == "gender":
            continue
        if kinds[i] == "phone" and not has_header and _shared_phone(values[i], kinds, posts):
            out[i] = ("", 0.0, "values")  # 課直通 072-228-7000 on every row of a section
            continue
        if headers[i] == "gender" and not kinds[i] and _gender_codes(values[i], headed=True):
            out[i] = ("gender", 0.85, "header+values")
        elif not free[i] or not named:
            continue
        elif not has_header and _gender_codes(values[i]):
            out[i] = ("gender", 0.6, "values")
        elif _age_column(values[i], births, not has_header, school):
            out[i] = ("age", 0.75, "values")
        elif _distinct_shapes(values[i], is_symbol_number):
            out[i] = ("insurance_number", 0.75, "values")  # 国保 記号・番号
        elif _distinct_shapes(values[i], is_passport_number):
            out[i] = ("passport", 0.7, "values")  # TK0362865 beside names: a product code is no person's
        elif _pay_column(values[i], posts):
            out[i] = ("salary", 0.7, "values")
        elif all(_SEVEN.fullmatch(v) for v in _filled(values[i])) and len(_filled(values[i])) >= _MIN \
                and _bank_beside(values):
            out[i] = ("bank_account", 0.75, "values")
        elif all(_TEN.fullmatch(v) for v in _filled(values[i])) and len(_filled(values[i])) >= _MIN \
                and "care_need" in kinds:
            out[i] = ("insurance_number", 0.7, "values")  # 介護保険 被保険者番号: ten digits
    return out
