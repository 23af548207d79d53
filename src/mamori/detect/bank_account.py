"""口座番号: seven digits after an account label; bank or branch words nearby raise confidence.

ゆうちょ accounts are 記号 (5 digits, starting with 1) + 番号 (up to 8 digits).
"""

from __future__ import annotations

import re

from mamori.detect.base import PatternDetector

_BANK_WORDS = ("銀行", "信用金庫", "信金", "信用組合", "労働金庫", "農協", "JA", "ゆうちょ", "支店", "金融機関",
               "店番", "支所", "出張所")
_CELL = re.compile(r"\d{7}")
_TYPE = r"(?:普通|当座|貯蓄|総合|[(](?:普|当)[)]|普|当)(?:預金)?"
_INSTITUTION = r"(?:銀行|信用金庫|信金|信用組合|信組|労働金庫|労金|農協|農業協同組合|JA|漁協|ゆうちょ)"
#: 「○○銀行 堺支店 普通 1234567」 in one cell: institution, branch, account type, number (any order of the
#: last two); the branch may be written as a number (店番 123) or left out.
_COMBINED = re.compile(
    rf"\S{{0,20}}{_INSTITUTION}\S{{0,10}}?[\s・]*(?:\S{{0,15}}?(?:支店|本店|支所|出張所|営業部|店)|店番\s*\d{{3}}|\d{{3}})?"
    rf"[\s/・,、]*(?:{_TYPE}[\s::/・,、]*(?:口座番号|No\.?)?[\s::]*\d{{7}}|\d{{7}}[\s/・,、]*{_TYPE})"
    r"(?:[\s/・,、]+[ァ-ヺー()\u4e00-\u9fff]{1,12}(?:\s[ァ-ヺー]{1,12})?)?"  # the holder (ヤマダ タロウ)
)


def is_bank_account_value(value: str) -> bool:
    """Cell check: *value* is a seven-digit account number (as in a 口座番号 column)."""
    return bool(_CELL.fullmatch(value.strip()))


def is_bank_account_cell(value: str) -> bool:
    """Cell check: *value* is a whole account, institution to number (三井住友銀行 堺支店 普通 1234567)."""
    v = value.strip()
    return 0 < len(v) <= 60 and bool(_COMBINED.fullmatch(v))


class BankAccount(PatternDetector):
    """「口座番号 1234567」, 「普通 1234567」, 「(当)1234567」, ゆうちょ 「記号番号 12345-1234567」."""

    name = "bank_account"
    category = "bank_account"
    # every pattern holds a digit
    prefilter = (re.compile(r"\d"),)
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
