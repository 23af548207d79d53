"""School (学校・学歴): a school name with a grade or class (「○○小学校 3年2組」) — a name alone is a facility."""

from __future__ import annotations

import re
from collections.abc import Iterator

from mamori.detect.base import Finding, PatternDetector
from mamori.models import Location

_KINDS = r"(?:小学校|中学校|高等学校|高校|義務教育学校|中等教育学校|特別支援学校|幼稚園|保育園|保育所|こども園|大学)"
_NAME_CHAR = re.compile(r"[\u4e00-\u9fff\u30a0-\u30ffー々ヶ]")
_GRADE = r"(?:第?[1-6一二三四五六]\s*(?:学年|年生?)\s*(?:[1-9一二三四五六七八九]\s*組|[A-Za-zイロハ]\s*組)?|[1-9]組)"
_AFTER = re.compile(rf"\s*(?:(?P<grade>{_GRADE})|(?P<history>卒業|卒|中退|在学中|在籍))")
_KIND_RE = re.compile(_KINDS)
_CELL = re.compile(rf"[\u4e00-\u9fff\u30a0-\u30ffー々ヶ]{{1,12}}{_KINDS}(?:\s*{_GRADE})?|{_GRADE}")
_NAME_MAX = 12


def is_school_value(value: str) -> bool:
    """Cell check: *value* is a school name or a grade/class (3年2組, 堺市立○○小学校)."""
    v = value.strip()
    return 0 < len(v) <= 40 and bool(_CELL.fullmatch(v))


class School(PatternDetector):
    """A pupil's school and class, or a school with 卒業/在籍 (学歴); anchored on the school-kind word."""

    name = "school"
    category = "school"
    base_confidence = 0.85
    prefilter = (_KIND_RE,)

    def find(self, text: str, location: Location) -> Iterator[Finding]:
        """School-kind words with a name before and a grade or 卒業 after."""
        for m in _KIND_RE.finditer(text):
            start = m.start()
            while start > 0 and m.start() - start < _NAME_MAX and _NAME_CHAR.match(text[start - 1]):
                start -= 1
            if start == m.start():
                continue
            after = _AFTER.match(text, m.end())
            if after:
                yield Finding(self.category, text[start : after.end()], location, self.base_confidence, self.name)
