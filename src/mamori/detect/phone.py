"""Japanese phone numbers: landline, mobile, IP phone, free dial, +81."""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector
from mamori.people.normalize import digits

_MOBILE_IP = ("070", "080", "090", "050", "060")


def is_plausible_jp_number(number: str) -> bool:
    """Length and prefix rules of the Japanese numbering plan (+81 → 0)."""
    d = digits(number)
    if d.startswith("81") and number.lstrip().startswith("+"):
        d = "0" + d[2:]
    if not d.startswith("0") or d.startswith("00"):
        return False
    if d.startswith(_MOBILE_IP) or d.startswith("0800"):
        return len(d) == 11
    if d.startswith(("0120", "0570", "0990")):
        return len(d) == 10
    return len(d) == 10


class PhoneJp(PatternDetector):
    """Numbers written with hyphens or brackets, or labelled as phone numbers."""

    name = "phone_jp"
    category = "phone"
    patterns = (
        re.compile(r"(?<![\d(-])(?:\+81[- ]?|0)\d{1,4}(?:-|\(|\)|\s)\d{1,4}(?:-|\)|\s)\d{3,4}(?![\d-])"),
        re.compile(r"\(0\d{1,4}\)\s?\d{1,4}-\d{3,4}(?![\d-])"),
        re.compile(r"(?<![\d-])0\d{9,10}(?![\d-])"),
    )
    context = ("電話", "TEL", "携帯", "連絡先", "FAX", "Tel")
    base_confidence = 0.7

    def validate(self, candidate: str) -> bool:
        return is_plausible_jp_number(candidate)
