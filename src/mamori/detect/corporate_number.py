"""法人番号 (corporate number): 13 digits whose FIRST is a check digit; also T+13 invoice numbers.

Recognised so that a company's number is not taken for a person's: its pseudo-category
``corporate_number`` is not personal data and is not in the category vocabulary.
"""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector
from mamori.normalize.text import digits

CATEGORY = "corporate_number"


def corporate_check_digit(base12: str) -> int:
    """The check digit of the twelve base digits (法人番号の指定等に関する省令 第2条)."""
    total = sum(int(base12[12 - n]) * (1 if n % 2 else 2) for n in range(1, 13))
    return 9 - total % 9


def is_valid_corporate_number(value: str) -> bool:
    """Cell check: 13 digits (or T + 13, the invoice registration number) with a correct check digit."""
    v = value.strip().upper()
    if len(v) > 20:
        return False
    d = digits(v[1:] if v.startswith("T") else v)
    return len(d) == 13 and corporate_check_digit(d[1:]) == int(d[0])


class CorporateNumber(PatternDetector):
    """法人番号 and 適格請求書発行事業者登録番号; with a label or the T prefix they are sure."""

    name = "corporate_number"
    category = CATEGORY
    # every pattern holds a digit
    prefilter = (re.compile(r"\d"),)
    patterns = (re.compile(r"(?<![\dA-Za-z-])(?P<v>T?\d{13}|T?\d-?\d{4}-?\d{4}-?\d{4})(?![\d-])"),)
    context = ("法人番号", "登録番号", "事業者番号", "インボイス", "会社法人等番号")
    context_window = 20
    base_confidence = 0.6

    def validate(self, candidate: str) -> bool:
        return is_valid_corporate_number(candidate)

    def confidence(self, text: str, match: re.Match[str]) -> float | None:
        value = match.group("v")
        if not self.validate(value):
            return None
        if value.startswith("T") or self.has_context(text, match.start()):
            return self.context_confidence
        return self.base_confidence
