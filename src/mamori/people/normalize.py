"""Normalisation of values before comparison: NFKC plus what NFKC leaves alone."""

from __future__ import annotations

import re
import unicodedata

# Dash-like characters NFKC keeps; between digits they all mean "-".
_DASHES = "‐‑‒–—―−ー－ｰ─━"
_DASH_BETWEEN_DIGITS = re.compile(rf"(?<=\d)[{_DASHES}](?=\d)")
_ANY_DASH = re.compile(rf"[{_DASHES}]")
_SPACES = re.compile(r"[\s\u3000]+")

# Variant (itaiji) forms folded to their common form so 髙橋 and 高橋 match.
_VARIANTS = str.maketrans({
    "髙": "高", "﨑": "崎", "嵜": "崎", "𠮷": "吉", "德": "徳", "濵": "浜", "濱": "浜", "邊": "辺",
    "邉": "辺", "齋": "斉", "齊": "斉", "斎": "斉", "澤": "沢", "櫻": "桜", "廣": "広", "國": "国",
    "眞": "真", "嶋": "島", "嶌": "島", "槇": "槙", "冨": "富", "惠": "恵", "榮": "栄", "實": "実",
    "壽": "寿", "藏": "蔵", "與": "与", "龍": "竜", "黑": "黒", "淺": "浅", "巖": "巌", "曽": "曾",
})


def nfkc(text: str) -> str:
    """NFKC, and every dash between digits turned into ``-``."""
    return _DASH_BETWEEN_DIGITS.sub("-", unicodedata.normalize("NFKC", text))


def digits(text: str) -> str:
    """Only the digits of *text* (full-width included)."""
    return "".join(ch for ch in unicodedata.normalize("NFKC", text) if ch.isdigit() and ch.isascii())


def name_key(name: str) -> str:
    """A name reduced for comparison: NFKC, no spaces, variant kanji folded, kana to katakana."""
    text = _SPACES.sub("", unicodedata.normalize("NFKC", name)).translate(_VARIANTS)
    return "".join(chr(ord(c) + 0x60) if "ぁ" <= c <= "ゖ" else c for c in text)


def squash_spaces(text: str) -> str:
    """Runs of spaces (full-width included) as one ASCII space, stripped."""
    return _SPACES.sub(" ", text).strip()


def fold_dashes(text: str) -> str:
    """Every dash-like character as ``-``."""
    return _ANY_DASH.sub("-", text)
