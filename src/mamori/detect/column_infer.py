"""Column kinds that only the whole table tells: what one column's values cannot say alone.

A header-less export splits 遠藤 | 政子 over two columns, writes ages as bare numbers and genders as
1/2 codes; a 7-digit number is an account number beside a bank column, a 10-digit number an insured
person's number in a list of care levels. These rules look at neighbouring columns and at the rows
together (age + birth year is the same year on every row of a list made on one day).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from itertools import pairwise

from mamori.detect.column_headers import FAMILY_KANA, FAMILY_NAME, GIVEN_KANA, GIVEN_NAME, OTHER
from mamori.detect.column_values import DATE
from mamori.detect.names.cell import split_name
from mamori.detect.names.lexicon import SURNAME, fold, lexicon
from mamori.people.wareki import parse_cell_date

Row = Sequence[str]
#: (kind, confidence, by) per column, as ``columns._decide`` gives them.
Decided = tuple[str, float, str]

_INT = re.compile(r"[1-9]\d{0,2}")
_GENDER_CODES = frozenset({"1", "2"})
_SEVEN = re.compile(r"\d{7}")
_TEN = re.compile(r"\d{10}")
_BANK_WORDS = ("銀行", "信用金庫", "信金", "信用組合", "労働金庫", "農協", "JA", "ゆうちょ", "支店")
_ACCOUNT_TYPES = frozenset({"普通", "当座", "貯蓄", "総合"})
_MIN = 3


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


def _age_column(values: list[str], births: list[str] | None, headerless: bool) -> bool:
    """Bare numbers that are ages: consistent with the birth dates, or plausibly spread."""
    filled = _filled(values)
    if len(filled) < _MIN or not all(_INT.fullmatch(v) and int(v) <= 110 for v in filled):
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


def _gender_codes(values: list[str]) -> bool:
    filled = _filled(values)
    return len(filled) >= 4 and set(filled) == _GENDER_CODES


def _bank_beside(values: list[list[str]]) -> bool:
    """Some column names banks or account types (the neighbour of an account-number column)."""
    for column in values:
        filled = _filled(column)
        if filled and sum(1 for v in filled if v in _ACCOUNT_TYPES or any(w in v for w in _BANK_WORDS)) \
                >= 0.8 * len(filled):
            return True
    return False


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
    births = next((values[i] for i in range(width) if kinds[i] in ("birth_date", DATE)), None)
    named = any(k in ("name", FAMILY_NAME, "name_kana", FAMILY_KANA) for k in kinds)
    for i in range(width):
        if kinds[i] == "gender" and headers[i] == "gender":
            continue
        if headers[i] == "gender" and not kinds[i] and _gender_codes(values[i]):
            out[i] = ("gender", 0.85, "header+values")
        elif not free[i] or not named:
            continue
        elif not has_header and _gender_codes(values[i]):
            out[i] = ("gender", 0.6, "values")
        elif _age_column(values[i], births, not has_header):
            out[i] = ("age", 0.75, "values")
        elif all(_SEVEN.fullmatch(v) for v in _filled(values[i])) and len(_filled(values[i])) >= _MIN \
                and _bank_beside(values):
            out[i] = ("bank_account", 0.75, "values")
        elif all(_TEN.fullmatch(v) for v in _filled(values[i])) and len(_filled(values[i])) >= _MIN \
                and "care_need" in kinds:
            out[i] = ("insurance_number", 0.7, "values")  # 介護保険 被保険者番号: ten digits
    return out
