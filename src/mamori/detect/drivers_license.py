"""運転免許証番号: 12 digits = 公安委員会 code (2) + year (2) + serial (6) + check digit + reissue count.

The check digit (11th) is modulus 11 over the first ten digits with weights 5,4,3,2,7,6,5,4,3,2,
taking the last digit of 11 − remainder. This is the rule documented publicly by people who
verified it on real licences (the police have not published it), so we also accept a number
whose check fails when it is clearly labelled, with lower confidence.
"""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector
from mamori.normalize.text import digits

_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# Public-safety commission codes: 10–14 北海道, 20–25 東北, 30 東京, 40–55 関東・中部, 60–65 近畿,
# 70–74 中国, 80–83 四国, 90–97 九州・沖縄 (00: converted from a foreign licence, older numbers).
COMMISSION_CODES = frozenset(
    {"00", "10", "11", "12", "13", "14", "20", "21", "22", "23", "24", "25", "30"}
    | {str(n) for n in range(40, 56)} | {str(n) for n in range(60, 66)} | {str(n) for n in range(70, 75)}
    | {str(n) for n in range(80, 84)} | {str(n) for n in range(90, 98)}
)


def licence_check_digit(first10: str) -> int:
    """The check digit of the first ten digits."""
    total = sum(int(d) * w for d, w in zip(first10, _WEIGHTS, strict=True))
    return (11 - total % 11) % 10


def is_valid_drivers_license(value: str) -> bool:
    """Cell check: twelve digits with a known commission code and a correct check digit."""
    d = digits(value)
    return (len(d) == 12 and len(value.strip()) <= 16 and d[:2] in COMMISSION_CODES
            and licence_check_digit(d[:10]) == int(d[10]))


class DriversLicense(PatternDetector):
    """Licence numbers after 免許証 / 運転免許 (12 digits are also My Number's length)."""

    name = "drivers_license"
    category = "drivers_license"
    # every pattern holds a digit
    prefilter = (re.compile(r"\d"),)
    patterns = (re.compile(r"(?<![\d-])(?P<v>\d{12}|\d{4}[- ]\d{4}[- ]\d{4})(?![\d-])"),)
    context = ("免許証", "運転免許", "免許番号", "license", "licence")
    context_window = 20
    requires_context = True

    def validate(self, candidate: str) -> bool:
        d = digits(candidate)
        return len(d) == 12 and d[:2] in COMMISSION_CODES

    def confidence(self, text: str, match: re.Match[str]) -> float | None:
        value = match.group("v")
        if not self.validate(value) or not self.has_context(text, match.start()):
            return None
        return self.context_confidence if is_valid_drivers_license(value) else 0.7
