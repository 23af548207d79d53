"""Ages: 「年齢：45」, 「45歳」 — but not the thresholds of policy text (65歳以上の方)."""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector

_CELL = re.compile(r"(?:満)?(\d{1,3})\s*(?:歳|才)?")
# Thresholds and ranges describe groups, not a person.
_GROUP_WORDS = r"(?!\s*(?:以上|以下|未満|超|から|まで|代|児|到達|前後|程度|頃|ころ|~|-|〜|の(?:方|者|人|子|誕生)))"


def is_age_value(value: str) -> bool:
    """Cell check: *value* is one age (45, 45歳, 満45才) between 0 and 120."""
    m = _CELL.fullmatch(value.strip())
    return bool(m) and int(m.group(1)) <= 120 if m else False


class Age(PatternDetector):
    """Labelled ages are sure; a bare 「45歳」 counts with lower confidence."""

    name = "age"
    category = "age"
    # every pattern holds a digit
    prefilter = (re.compile(r"\d"),)
    patterns = (
        re.compile(r"年齢[\s::は]*(?:満)?(?P<v>\d{1,3})(?:\s*[歳才])?(?!\d)" + _GROUP_WORDS),
        re.compile(r"(?<![\d.,])(?P<v>\d{1,3})\s*[歳才]" + _GROUP_WORDS),
    )
    context = ("年齢", "満", "当時", "享年")
    context_window = 8
    base_confidence = 0.5
    context_confidence = 0.9

    def validate(self, candidate: str) -> bool:
        return is_age_value(candidate)

    def confidence(self, text: str, match: re.Match[str]) -> float | None:
        if not self.validate(match.group("v")):
            return None
        if match.group(0).startswith("年齢") or self.has_context(text, match.start()):
            return self.context_confidence
        # 「山田太郎（45歳）」: an age in brackets right after a name-like word.
        if match.start() > 0 and text[match.start() - 1] in "(（、・":
            return 0.75
        return self.base_confidence
