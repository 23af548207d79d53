"""Credit card numbers: 14–16 digits (spaces/hyphens allowed), Luhn check, issuer IIN ranges."""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector
from mamori.normalize.text import digits


def luhn_ok(number: str) -> bool:
    """True when *number* (digits only) passes the Luhn check."""
    total = 0
    for i, ch in enumerate(reversed(number)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def issuer(number: str) -> str | None:
    """The card brand the digits belong to by IIN range and length, or None."""
    n = len(number)
    p2, p3, p4 = int(number[:2]), int(number[:3]), int(number[:4])
    if number[0] == "4" and n in (13, 16):
        return "visa"
    if (51 <= p2 <= 55 or 2221 <= p4 <= 2720) and n == 16:
        return "mastercard"
    if 3528 <= p4 <= 3589 and n == 16:
        return "jcb"
    if p2 in (34, 37) and n == 15:
        return "amex"
    if (300 <= p3 <= 305 or p4 == 3095 or p2 in (36, 38, 39)) and 14 <= n <= 16:
        return "diners"
    if (p4 == 6011 or 644 <= p3 <= 649 or p2 == 65) and n == 16:
        return "discover"
    if p2 == 62 and n == 16:
        return "unionpay"
    return None


def is_valid_credit_card(value: str) -> bool:
    """Cell check: a card number of a known issuer that passes Luhn."""
    v = value.strip()
    d = digits(v)
    return (len(v) <= 24 and 13 <= len(d) <= 16 and not re.search(r"[^\d\s-]", v)
            and issuer(d) is not None and luhn_ok(d))


class CreditCard(PatternDetector):
    """Grouped numbers (4-4-4-4, 4-6-5, 4-6-4) count alone; an ungrouped run needs a label."""

    name = "credit_card"
    category = "credit_card"
    # every pattern holds a digit
    prefilter = (re.compile(r"\d"),)
    patterns = (re.compile(r"(?<![\d-])(?P<v>\d{13,16}|\d{4}(?:[ -]\d{4}){3}|\d{4}[ -]\d{6}[ -]\d{4,5})(?![\d-])"),)
    context = ("カード", "クレジット", "card", "visa", "master", "jcb", "amex")
    context_window = 24
    base_confidence = 0.7

    def validate(self, candidate: str) -> bool:
        return is_valid_credit_card(candidate)

    def confidence(self, text: str, match: re.Match[str]) -> float | None:
        value = match.group("v")
        if not self.validate(value):
            return None
        if self.has_context(text, match.start()):
            return self.context_confidence
        return self.base_confidence if not value.isdigit() else 0.4
