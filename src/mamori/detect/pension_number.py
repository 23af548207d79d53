"""基礎年金番号: 4 digits (office) + 6 digits (serial), written 1234-567890; only after its label."""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector

_CELL = re.compile(r"\d{4}-?\d{6}")


def is_pension_number(value: str) -> bool:
    """Cell check: *value* has the shape of a 基礎年金番号."""
    return bool(_CELL.fullmatch(value.strip()))


class PensionNumber(PatternDetector):
    """「基礎年金番号：1234-567890」; no public check digit, so the label is required."""

    name = "pension_number"
    category = "pension_number"
    # every pattern holds a digit
    prefilter = (re.compile(r"\d"),)
    patterns = (re.compile(r"(?:基礎年金番号|年金番号|年金手帳番号)[\s::]*(?P<v>\d{4}[- ]?\d{6})(?![\d-])"),)
    base_confidence = 0.95
