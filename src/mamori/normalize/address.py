"""Address forms → one canonical form (三丁目十二番五号, 3-12-5 and ３丁目１２－５ agree).

With or without the prefecture (堺市堺区… == 大阪府堺市堺区…), with or without a postal code in front,
kanji or arabic numerals, 丁目/番地/号 or hyphens. The rules live in :mod:`mamori.normalize.rules`.
"""

from __future__ import annotations

from functools import lru_cache

from mamori.normalize.rules import ADDRESS_KEY_RULES, ADDRESS_RULES, apply

_KANJI_DIGITS = {"〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CACHE = 1 << 16


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


@lru_cache(maxsize=_CACHE)
def canonical_address(address: str) -> str:
    """NFKC, no spaces, postal code or prefecture, numerals as digits, 丁目/番地/号 as hyphens."""
    return apply(ADDRESS_RULES, address)


@lru_cache(maxsize=_CACHE)
def address_key(address: str) -> str:
    """The canonical address up to its house number (3-12-5), as identity keys use it."""
    return apply(ADDRESS_KEY_RULES, canonical_address(address))
