"""Normalisation of values before comparison: NFKC plus what NFKC leaves alone.

The identity-relevant normalisers (names, phones, e-mail) are defined once as rules in
:mod:`mamori.normalize.rules`, so whole columns normalise to exactly the same strings (``people.vector``).
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from mamori.normalize.rules import DASHES, DIGIT_RULES, EMAIL_RULES, NAME_RULES, PHONE_RULES, apply

_DASH_BETWEEN_DIGITS = re.compile(rf"(?<=\d)[{DASHES}](?=\d)")
_ANY_DASH = re.compile(rf"[{DASHES}]")
_SPACES = re.compile(r"[\s\u3000]+")
_KATAKANA_NAME = re.compile(r"[ァ-ヺー]+")
_CACHE = 1 << 16


def nfkc(text: str) -> str:
    """NFKC, and every dash between digits turned into ``-``."""
    return _DASH_BETWEEN_DIGITS.sub("-", unicodedata.normalize("NFKC", text))


def digits(text: str) -> str:
    """Only the ASCII digits of *text* after NFKC (full-width digits included)."""
    return apply(DIGIT_RULES, text)


@lru_cache(maxsize=_CACHE)
def name_key(name: str) -> str:
    """A name reduced for comparison: NFKC, no spaces or ・, variant kanji folded, kana to katakana."""
    return apply(NAME_RULES, name)


def is_kana_key(key: str) -> bool:
    """True when a name key is a reading (katakana only), not a name written in kanji."""
    return bool(_KATAKANA_NAME.fullmatch(key))


def phone_key(phone: str) -> str:
    """The digits of a phone number, ``+81`` written as the leading 0."""
    return apply(PHONE_RULES, phone)


def email_key(email: str) -> str:
    """An e-mail address without spaces, ASCII letters in lower case."""
    return apply(EMAIL_RULES, email)


def squash_spaces(text: str) -> str:
    """Runs of spaces (full-width included) as one ASCII space, stripped."""
    return _SPACES.sub(" ", text).strip()


def fold_dashes(text: str) -> str:
    """Every dash-like character as ``-``."""
    return _ANY_DASH.sub("-", text)
