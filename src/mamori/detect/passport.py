"""旅券番号: two capital letters and seven digits (TK1234567), only with context."""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector

_SHAPE = re.compile(r"[A-Z]{2}\d{7}")


def is_passport_number(value: str) -> bool:
    """Cell check: *value* has the shape of a Japanese passport number."""
    return bool(_SHAPE.fullmatch(value.strip().upper()))


class Passport(PatternDetector):
    """The shape is common (product codes), so a label is required."""

    name = "passport"
    category = "passport"
    # every pattern holds a digit
    prefilter = (re.compile(r"\d"),)
    patterns = (re.compile(r"(?<![A-Za-z0-9])(?P<v>[A-Z]{2}\d{7})(?![A-Za-z0-9])"),)
    context = ("旅券", "パスポート", "passport")
    context_window = 24
    requires_context = True

    def validate(self, candidate: str) -> bool:
        return is_passport_number(candidate)
