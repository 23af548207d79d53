"""E-mail addresses."""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector

_EMAIL = r"[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
_CELL = re.compile(_EMAIL)


def is_email(value: str) -> bool:
    """Cell check: *value* is one e-mail address with a dotted domain."""
    v = value.strip()
    return len(v) <= 254 and bool(_CELL.fullmatch(v)) and not v.startswith(".")


class EmailAddress(PatternDetector):
    """RFC 5322-ish addresses with a dotted domain."""

    name = "email"
    category = "email"
    prefilter = (re.compile("@"),)
    patterns = (re.compile(rf"(?<![\w.+-]){_EMAIL}"),)
    context = ("メール", "mail", "e-mail", "連絡先")
    base_confidence = 0.9
