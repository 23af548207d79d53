"""個人番号 (My Number): 12 digits whose last is a check digit; only with context."""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector
from mamori.normalize.text import digits


def my_number_check_digit(first11: str) -> int:
    """The check digit of the first eleven digits (総務省令第85号 第5条)."""
    total = 0
    for n in range(1, 12):
        p = int(first11[11 - n])
        q = n + 1 if n <= 6 else n - 5
        total += p * q
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_valid_my_number(text: str) -> bool:
    """Cell check: twelve digits (spaces/hyphens allowed) with a correct check digit."""
    d = digits(text)
    return len(d) == 12 and len(text) <= 20 and my_number_check_digit(d[:11]) == int(d[11])


class MyNumber(PatternDetector):
    """A bare 12-digit number passing the check digit by chance (1 in 10) is not enough: context needed."""

    name = "my_number"
    category = "my_number"
    # every pattern holds a digit
    prefilter = (re.compile(r"\d"),)
    patterns = (re.compile(r"(?<![\d-])\d{4}[- ]?\d{4}[- ]?\d{4}(?![\d-])"),)
    context = ("マイナンバー", "個人番号", "my number", "mynumber", "番号確認")
    context_window = 32
    requires_context = True

    def validate(self, candidate: str) -> bool:
        return is_valid_my_number(candidate)
