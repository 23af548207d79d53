"""Addresses: a known municipality (with or without its prefecture), a town, then 丁目/番地/号 numbers.

Municipalities come from Japan Post data (``places``); the cheap anchor in running text is the
last character of a municipality name (市/区/町/村/郡), checked by set lookups. Addresses without
their municipality (南瓦町3番1号, common in a city's own files) count after a label (住所, 所在地).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator

from mamori.detect.base import Finding, PatternDetector
from mamori.detect.places import (
    MUNICIPALITY_ENDS,
    extend_municipality,
    gazetteer,
    municipality_ending_at,
    prefecture_ending_at,
    town_at,
)
from mamori.models import Location

_N = r"(?:\d{1,5}|[一二三四五六七八九十百千〇]{1,5})"
# 丁 alone is 丁目 as many write it (３丁１番２７); の joins numbers only before another number, so the
# particle after an address (4丁目7-1の住民) stays out of it.
_UNIT = rf"(?:丁目|丁|番地(?:の(?={_N}))?|番(?:の(?={_N}))?|号|の(?={_N})|-)"
_NUMBERS = rf"{_N}{_UNIT}(?:{_N}{_UNIT}?){{0,3}}"
_BUILDING = r"(?:[ ]?[^\s\d、。,.()「」:;]{1,20}?\d{1,4}(?:号室|号|階)?(?!\d))?"
# Town (lazy, no digits), then the numbers, then an optional building and room.
_TAIL = re.compile(rf"(?P<town>[^\s\d、。,.()「」『』:;!?・]{{0,14}}?)(?P<num>{_NUMBERS})(?P<bld>{_BUILDING})")
# 上之1321 at the end of a line: a lot number written without 番地 (only after a known municipality).
_BARE_TAIL = re.compile(
    r"(?P<town>[\u4e00-\u9fff々ヶ\u30a1-\u30fa\u30fc]{1,10}?)(?P<num>\d{1,5})(?P<bld>)(?=$|[ \t\n])")
_STRONG_NUMBERS = re.compile(rf"{_N}(?:丁目|番地)|{_N}番{_N}号?|\d{{1,5}}-\d{{1,5}}")
_END_CHARS = re.compile("[市区町村郡]")
_SPACES = re.compile(r"[\s\u3000]+")
_POSTAL = re.compile(r"^〒?\d{3}-?\d{4}")
_LABELLED = re.compile(r"(?:現住所|住所|居所|所在地|送付先)[\s::は]*(?P<v>[^\s、。,()「」]{4,60})")
_KANJI = re.compile(r"[\u4e00-\u9fff]")
#: Where a labelled address ends: the first hiragana after its numbers (…２７です, …1-6に住む).
_PARTICLE_AFTER_NUMBER = re.compile(r"(?<=[\d号目地番丁])(?!の\d)[\u3041-\u309f]")


def _tail_ok(town: str, numbers: str) -> bool:
    # "堺市3番目" is not an address: a lone "N番" needs a town before it.
    return bool(town) or bool(_STRONG_NUMBERS.search(numbers)) or numbers.endswith("号")


def _municipality_prefix(value: str, pos: int) -> int:
    g = gazetteer()
    for size in range(min(g.longest_municipality, len(value) - pos), 1, -1):
        piece = value[pos : pos + size]
        if piece[-1] in MUNICIPALITY_ENDS and piece in g.municipalities:
            return extend_municipality(value, pos + size)
    return pos


def looks_like_address(value: str) -> float:
    """Cell check: 0..1, how much *value* alone reads as a postal address."""
    v = _SPACES.sub("", unicodedata.normalize("NFKC", value))
    v = _POSTAL.sub("", v)
    if not 3 <= len(v) <= 120 or not _KANJI.search(v):
        return 0.0
    pos = next((len(p) for p in gazetteer().prefectures if v.startswith(p)), 0)
    has_pref = pos > 0
    after_muni = _municipality_prefix(v, pos)
    has_muni = after_muni > pos
    tail = _TAIL.match(v, after_muni)
    has_numbers = bool(tail) and _tail_ok(tail.group("town"), tail.group("num")) if tail else False
    if has_muni and has_numbers:
        return 1.0 if has_pref else 0.9
    if has_muni:
        return 0.6 if has_pref or len(v) > after_muni else 0.4
    if has_numbers and town_at(v, after_muni) > after_muni:
        return 0.7
    if _STRONG_NUMBERS.search(v) and re.search(r"丁目|番地|町|\d番", v) and len(v) <= 60:
        return 0.5
    return 0.3 if has_pref else 0.0


class Address(PatternDetector):
    """Addresses in running text; a facility's 所在地 is an address too (the engine decides whose)."""

    name = "address"
    category = "address"
    patterns = (_LABELLED,)
    # the end of a municipality's name, or an address label (_LABELLED's)
    prefilter = (_END_CHARS, re.compile("住所|居所|所在地|送付先"))
    base_confidence = 0.85
    context_confidence = 0.95

    def validate(self, candidate: str) -> bool:
        return looks_like_address(candidate) >= 0.5

    def find(self, text: str, location: Location) -> Iterator[Finding]:
        """Gazetteer-anchored addresses, then labelled ones not already covered."""
        covered_to = -1
        spans: list[tuple[int, int]] = []
        for m in _END_CHARS.finditer(text):
            end = m.end()
            if end <= covered_to:
                continue
            start = municipality_ending_at(text, end, lo=max(0, covered_to))
            if start is None:
                continue
            muni_end = extend_municipality(text, end)
            tail = _TAIL.match(text, muni_end)
            if not tail or not _tail_ok(tail.group("town"), tail.group("num")):
                tail = _BARE_TAIL.match(text, muni_end)
                if not tail:
                    continue
            pref = prefecture_ending_at(text, start)
            first = pref if pref is not None else start
            stop = tail.end()
            spans.append((first, stop))
            covered_to = stop
            confidence = self.context_confidence if pref is not None else self.base_confidence
            yield Finding(self.category, text[first:stop], location, confidence, self.name)
        for m in _LABELLED.finditer(text):
            if any(a <= m.start("v") < b for a, b in spans):
                continue
            value = m.group("v")
            cut = _PARTICLE_AFTER_NUMBER.search(value)
            value = value[: cut.start()] if cut else value
            score = looks_like_address(value)
            if score >= 0.5:
                yield Finding(self.category, value, location, max(0.8, score), self.name)
