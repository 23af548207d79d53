"""口座番号: seven digits after an account label; bank or branch words nearby raise confidence.

ゆうちょ accounts are 記号 (5 digits, starting with 1) + 番号 (up to 8 digits).
"""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector

_BANK_WORDS = ("銀行", "信用金庫", "信金", "信用組合", "労働金庫", "農協", "JA", "ゆうちょ", "支店", "金融機関",
               "店番", "支所", "出張所")
_CELL = re.compile(r"\d{7}")


def is_bank_account_value(value: str) -> bool:
    """Cell check: *value* is a seven-digit account number (as in a 口座番号 column)."""
    return bool(_CELL.fullmatch(value.strip()))


class BankAccount(PatternDetector):
    """「口座番号 1234567」, 「普通 1234567」, 「(当)1234567」, ゆうちょ 「記号番号 12345-1234567」."""

    name = "bank_account"
    category = "bank_account"
    patterns = (
        re.compile(r"(?:口座番号|口座No\.?|口座|普通預金|当座預金|普通|当座|貯蓄|[(](?:普|当)[)])"
                   r"[\s::]*(?:No\.?\s*)?(?P<v>\d{7})(?![\d-])"),
        re.compile(r"(?:記号番号|ゆうちょ銀行|ゆうちょ|通帳記号)[^\d\n]{0,8}(?P<v>1\d{4}[- ]?\d{5,8})(?![\d-])"),
    )
    context = _BANK_WORDS
    context_window = 40
    context_after = 0
    base_confidence = 0.85

    def confidence(self, text: str, match: re.Match[str]) -> float | None:
        near = text[max(0, match.start() - self.context_window) : match.end() + 20]
        return self.context_confidence if any(w in near for w in _BANK_WORDS) else self.base_confidence
