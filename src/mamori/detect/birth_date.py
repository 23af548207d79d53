"""Birth dates in text: a date counts only with birth context (生年月日, 生まれ, 「…日生」, 「(45歳)」).

Event dates (会議は令和6年4月1日に…) are dates, not personal data, and are not reported.
"""

from __future__ import annotations

import re
from datetime import date

from mamori.detect.base import PatternDetector
from mamori.normalize.wareki import ERA_DATE, parse_date

_GREGORIAN = re.compile(
    r"(?<!\d)(?:18|19|20)\d{2}(?:\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日?|[./-]\d{1,2}[./-]\d{1,2}(?!\d)|\d{4}(?!\d))"
)
_AGE_AFTER = re.compile(r"^\s*[(（]?\s*(?:満)?\d{1,3}\s*[歳才]")
OLDEST_YEARS = 125


def birth_date_value(value: str, today: date | None = None) -> date | None:
    """Cell check: the date *value* holds when it can be a living person's birth date, else None."""
    if len(value) > 40:
        return None
    d = parse_date(value)
    today = today or date.today()
    if d is None or d > today or today.year - d.year > OLDEST_YEARS:
        return None
    return d


def is_plausible_birth_date(value: str) -> bool:
    """Cell check: True when *value* is one date that can be a birth date (past, within 125 years)."""
    return birth_date_value(value) is not None


class BirthDate(PatternDetector):
    """Era and Gregorian dates with birth context before or right after them."""

    name = "birth_date"
    category = "birth_date"
    patterns = (ERA_DATE, _GREGORIAN)
    context = ("生年月日", "誕生日", "生まれ", "出生", "生年", "年齢", "birth", "d.o.b", "dob")
    context_window = 12
    requires_context = True
    # a finding needs its context: a context word before it, or 生/生まれ/出生 or an age (歳/才) right after
    prefilter = (re.compile(r"生|年齢|歳|才|birth|d\.o\.b|dob", re.IGNORECASE),)

    def validate(self, candidate: str) -> bool:
        return birth_date_value(candidate) is not None

    def has_context(self, text: str, start: int, end: int | None = None) -> bool:
        if super().has_context(text, start):
            return True
        if end is None:
            return False
        after = text[end : end + 8]
        # 「昭和45年3月2日生」 and 「1970年3月2日（54歳）」 are birth dates by their tail.
        return after.lstrip().startswith(("生", "生まれ", "出生")) or bool(_AGE_AFTER.match(after))
