"""E-mail addresses."""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector


class EmailAddress(PatternDetector):
    """RFC 5322-ish addresses with a dotted domain."""

    name = "email"
    category = "email"
    patterns = (re.compile(r"(?<![\w.+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"),)
    context = ("メール", "mail", "e-mail", "連絡先")
    base_confidence = 0.9
