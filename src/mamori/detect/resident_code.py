"""住民票コード: 11 digits (10 random + a check digit), only after its label.

The check digit is set by 平成14年総務省告示第436号; we believe it is the My Number scheme on ten
digits (modulus 11, weights 2–7) but have not verified it against the notice, so a failed check
lowers the confidence instead of rejecting the number.
"""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector
from mamori.normalize.text import digits

_LABEL = r"(?:住民票コード|住民票CD|住基コード|住民コード)"


def resident_code_check_digit(first10: str) -> int:
    """The assumed check digit of ten digits (modulus 11, weights 2–7 from the lowest digit)."""
    total = sum(int(first10[10 - n]) * (n + 1 if n <= 6 else n - 5) for n in range(1, 11))
    remainder = total % 11
    return 0 if remainder <= 1 else 11 - remainder


def is_resident_code(value: str) -> bool:
    """Cell check: *value* has the shape of a 住民票コード (11 digits, separators allowed)."""
    return len(value.strip()) <= 16 and len(digits(value)) == 11 and not re.search(r"[^\d\s-]", value.strip())


def resident_code_checks(value: str) -> bool:
    """True when the assumed check digit matches (see the module note)."""
    d = digits(value)
    return len(d) == 11 and resident_code_check_digit(d[:10]) == int(d[10])


class ResidentCode(PatternDetector):
    """「住民票コード：12345678901」."""

    name = "resident_code"
    category = "resident_code"
    # every pattern holds a digit
    prefilter = (re.compile(r"\d"),)
    patterns = (re.compile(rf"{_LABEL}[\s::は]*(?P<v>\d{{11}}|\d{{4}}[- ]\d{{4}}[- ]\d{{3}})(?![\d-])"),)
    requires_context = False
    base_confidence = 0.85
    context_confidence = 0.95

    def validate(self, candidate: str) -> bool:
        return is_resident_code(candidate)

    def confidence(self, text: str, match: re.Match[str]) -> float | None:
        value = match.group("v")
        if not self.validate(value):
            return None
        return self.context_confidence if resident_code_checks(value) else self.base_confidence
