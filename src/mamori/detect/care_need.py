"""要介護度 (要配慮): 要介護1–5, 要支援1–2 — but not a policy's threshold (要介護3以上の方)."""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector

_LEVEL = re.compile(r"(?:要介護|要支援)\s*[1-5一二三四五]|経過的要介護|事業対象者")
_GROUP = r"(?!\s*(?:以上|以下|未満|から|まで|~|〜|-|の(?:方|者|人|認定者)|相当))"


def is_care_need_value(value: str) -> bool:
    """Cell check: *value* is a care level (要介護3, 要支援1, 要介護３, 経過的要介護, 事業対象者)."""
    v = value.strip().replace("状態区分", "")
    return len(v) <= 12 and bool(_LEVEL.fullmatch(v))


class CareNeed(PatternDetector):
    """A care level of a person; 要介護認定 as a word is only weak evidence."""

    name = "care_need"
    category = "care_need"
    prefilter = (re.compile("要介護|要支援|介護度|認定結果"),)
    patterns = (
        re.compile(r"(?P<v>要介護\s*[1-5]|要支援\s*[12])" + _GROUP),
        re.compile(r"(?:要介護度|介護度|認定結果)[\s::は]*(?P<v>[1-5])(?!\d)" + _GROUP),
        re.compile(r"(?P<v>要介護認定)"),
    )
    base_confidence = 0.85
    context = ("認定", "介護度", "様", "さん", "氏", "本人")
    context_window = 16

    def confidence(self, text: str, match: re.Match[str]) -> float | None:
        if match.group("v") == "要介護認定":
            return 0.3  # the name of a procedure, in every city's welfare pages
        return self.context_confidence if self.has_context(text, match.start()) else self.base_confidence
