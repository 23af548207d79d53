"""給与: a pay label (給与, 支給額, 基本給, 手取り …) with an amount — not budget lines (給与費 1,234千円)."""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector

_AMOUNT = r"[¥]?\s?(?:\d{1,3}(?:,\d{3})+|\d{3,8})(?:\s?円)?|\d{1,4}(?:\.\d)?\s?万円"
_CELL = re.compile(rf"(?:{_AMOUNT})")
_LABEL = r"(?:給与|給料|支給額|総支給額?|差引支給額|基本給|手取り?|月給|年収|賞与|時給|日給|報酬月額|給与月額|俸給)"


#: An amount written as money: grouped by thousands, or with ¥/円/万円 (a bare 924507 is an ID as often).
_MONEY = re.compile(r"[¥]?\s?(?P<yen>\d{1,3}(?:,\d{3})+|\d{1,9})(?P<unit>\s?円)?"
                    r"|(?P<man>\d{1,4}(?:\.\d{1,2})?)\s?万円|(?P<sen>\d{1,3}(?:,\d{3})*|\d{1,6})\s?千円")


def amount_yen(value: str) -> int | None:
    """The amount of a money cell in yen (250,000 / ¥250000 / 25万円 / 250千円 / 250000円), or None."""
    v = value.strip().replace("¥", "¥").replace("￥", "¥")
    m = _MONEY.fullmatch(v)
    if m is None:
        return None
    if m.group("man"):
        return round(float(m.group("man")) * 10_000)
    if m.group("sen"):
        return int(m.group("sen").replace(",", "")) * 1_000
    yen = m.group("yen")
    if "," not in yen and not v.startswith("¥") and not m.group("unit"):
        return None
    return int(yen.replace(",", ""))


def is_salary_value(value: str) -> bool:
    """Cell check: *value* is a money amount (250,000, ¥250000, 25万円)."""
    v = value.strip().replace("¥", "¥")
    return 0 < len(v) <= 16 and bool(_CELL.fullmatch(v))


class Salary(PatternDetector):
    """「基本給 250,000円」, 「手取り：21万円」."""

    name = "salary"
    category = "salary"
    # A budget line (給与費, 給与総額) is an organisation's money, not a person's.
    # every pattern holds a digit
    prefilter = (re.compile(r"\d"),)
    patterns = (re.compile(rf"{_LABEL}(?!費|総額|表|規程|条例|体系)(?:額)?[\s::は]*(?:月額|年額)?[\s::]*"
                           rf"(?P<v>{_AMOUNT})(?!\d|\s?千円|\s?百万円|\s?億)"),)
    base_confidence = 0.85
