"""Address forms → one canonical form (三丁目十二番五号, 3-12-5 and ３丁目１２－５ agree)."""

from __future__ import annotations

import re
import unicodedata

from mamori.people.normalize import fold_dashes

_KANJI_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_KANJI_NUMBER = re.compile(r"[〇一二三四五六七八九十百千]+(?=丁目|番地|番|号|の|-|$)")
_UNITS = re.compile(r"(\d+)(?:丁目|番地の?|番の?|号|の)")
_DANGLING_HYPHEN = re.compile(r"(\d)-(?=[^\d])")
_SPACES = re.compile(r"[\s\u3000]+")
_POSTAL_PREFIX = re.compile(r"^〒?\s*\d{3}-?\d{4}\s*")


def kanji_to_int(text: str) -> int:
    """Kanji numerals (一, 十二, 二十五, 百三, 千二百) → int; digit-by-digit forms (一二) too."""
    if all(c in _KANJI_DIGITS for c in text):
        return int("".join(str(_KANJI_DIGITS[c]) for c in text))
    total, current = 0, 0
    for c in text:
        if c in _KANJI_DIGITS:
            current = _KANJI_DIGITS[c]
        else:
            unit = {"十": 10, "百": 100, "千": 1000}[c]
            total += (current or 1) * unit
            current = 0
    return total + current


def canonical_address(address: str) -> str:
    """NFKC, no spaces or postal prefix, kanji numerals as digits, 丁目/番地/号 as hyphens."""
    text = _SPACES.sub("", unicodedata.normalize("NFKC", address))
    text = _POSTAL_PREFIX.sub("", fold_dashes(text))
    text = _KANJI_NUMBER.sub(lambda m: str(kanji_to_int(m.group(0))), text)
    text = _UNITS.sub(r"\1-", text)
    # A unit at the end of the number (…1号サンハイツ) leaves a hyphen before a non-digit: drop it.
    return _DANGLING_HYPHEN.sub(r"\1", text.replace("--", "-")).rstrip("-")
