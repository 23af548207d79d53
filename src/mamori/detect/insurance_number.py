"""被保険者番号 and 保険者番号 after their labels.

被保険者番号: 8 digits for 国民健康保険/後期高齢者医療, 10 digits for 介護保険. 保険者番号: 6 digits
(国保) or 8 digits (法別番号 + 都道府県番号 + 保険者別番号 + 検証番号) with a check digit: weights
2,1 from the last base digit, two-digit products summed as digits, 10 − (sum mod 10), last digit.
"""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector
from mamori.normalize.text import digits

_CELL = re.compile(r"\d{6}|\d{8}|\d{10}")
#: 国保 被保険者証の記号・番号 as one value: a 記号 that starts with the municipality's kanji, then the
#: number (堺77-099349, 北12・345678), or both labelled (記号 堺77 番号 099349).
_SYMBOL_NUMBER = r"[\u4e00-\u9fff]{1,4}\d{1,4}\s?[-‐・]\s?\d{4,8}"
_SYMBOL_CELL = re.compile(rf"{_SYMBOL_NUMBER}|記号[\s::]*[\u4e00-\u9fff\d]{{1,8}}[\s,、]*番号[\s::]*\d{{4,8}}")


def insurer_check_digit(base: str) -> int:
    """The 検証番号 of an insurer number's base digits (5 or 7 digits)."""
    total = 0
    for i, ch in enumerate(reversed(base)):
        n = int(ch) * (2 if i % 2 == 0 else 1)
        total += n // 10 + n % 10
    return (10 - total % 10) % 10


def is_valid_insurer_number(value: str) -> bool:
    """Cell check: a 保険者番号 (6 or 8 digits) whose check digit is right."""
    d = digits(value)
    return len(d) in (6, 8) and len(value.strip()) <= 10 and insurer_check_digit(d[:-1]) == int(d[-1])


def is_symbol_number(value: str) -> bool:
    """Cell check: *value* is a 記号・番号 pair with a kanji 記号 (堺77-099349, 記号 堺77 番号 099349)."""
    v = value.strip()
    return 0 < len(v) <= 30 and bool(_SYMBOL_CELL.fullmatch(v))


def is_insurance_number_value(value: str) -> bool:
    """Cell check: *value* has the shape of a 被保険者番号 (8 or 10 digits) or 保険者番号 (6 digits)."""
    return bool(_CELL.fullmatch(value.strip()))


class InsuranceNumber(PatternDetector):
    """Insured-person numbers are personal; an insurer number alone is weaker evidence."""

    name = "insurance_number"
    category = "insurance_number"
    # every pattern holds a digit
    prefilter = (re.compile(r"\d"),)
    patterns = (
        re.compile(r"(?:被保険者番号|被保番号|被保険者証番号|保険証番号|介護保険番号|記号番号)[\s::]*"
                   r"(?P<v>\d{8}|\d{10})(?![\d-])"),
        re.compile(rf"(?:記号番号|記号・番号|記号及び番号|保険証番号)[\s::]*(?P<v>{_SYMBOL_NUMBER})(?![\d-])"),
        re.compile(r"(?<!被)(?P<insurer>保険者番号)[\s::]*(?P<v>\d{8}|\d{6})(?![\d-])"),
    )
    base_confidence = 0.9

    def confidence(self, text: str, match: re.Match[str]) -> float | None:
        if "insurer" in match.re.groupindex:
            return 0.7 if is_valid_insurer_number(match.group("v")) else None
        return self.base_confidence
