"""How much a table cell looks like a person's name: lexicon splits, not shape alone.

A cell scores high when it splits into a known surname and a known given name (kanji or kana,
with or without a space, with 様/殿 after it); lower when only one part is known; zero for
facility, company, place and department names and job titles.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mamori.detect.names.lexicon import (
    COMMON,
    FREQUENT_GIVEN,
    FREQUENT_SURNAME,
    GIVEN,
    PERSON,
    SURNAME,
    Words,
    fold,
    lexicon,
)

_HONORIFIC = re.compile(r" ?(様|さま|殿|どの|さん|氏|君|くん|ちゃん)$")
_HONORIFIC_LAST = frozenset("様ま殿のん氏君")
_PART = r"[\u30a1-\u30fa\u30fc\u3400-\u9fff\uf900-\ufaff々〆ヶ\U00020000-\U0002fa1f]+"
_CELL = re.compile(rf"{_PART}(?: {_PART})?")
_KANA = re.compile(r"[\u30a1-\u30fa\u30fc ]+")
_SPACES = re.compile(r"\s+")
# Endings of organisations, facilities, places, sections, posts and products: never a person.
_NOT_PERSON_END = (
    "会館", "館", "センター", "会社", "商店", "商会", "商事", "工業", "産業", "建設", "工務店", "銀行",
    "病院", "医院", "クリニック", "学校", "高校", "大学", "幼稚園", "保育園", "保育所", "事務所", "協会",
    "組合", "委員会", "議会", "役所", "役場", "支所", "出張所", "丁目", "駅", "公園", "課", "係", "局",
    "室", "部長", "課長", "係長", "局長", "室長", "所長", "市長", "町長", "村長", "区長", "会長", "社長",
    "委員", "委員長", "議長", "議員", "主任", "主査", "主事", "主幹", "参事", "理事", "監事", "事務",
    "担当", "職員", "店", "社", "庁", "署", "団", "会", "線", "号", "通り", "ホール", "プラザ", "株式",
    "市", "区", "郡", "県", "府", "都", "町", "村",
)
_ROLES = (r"副?(?:会長|代表者?|代表理事|理事長|組合長|委員長|支部長|班長|町会長|自治会長|事務局長|部長|社長|園長|校長|"
          r"施設長|院長|所長|世話人|幹事|役員|担当者?|責任者)")
#: Roles written before a representative's name in one cell (会長　近藤正男, 代表者：小野明), then a space or a
#: colon; group 1 is the name's first character. Plain syntax, so Polars (Rust regex) runs the same pattern.
ROLE_PATTERN = rf"^{_ROLES}(?:[ \u3000]+[:：]?[ \u3000]*|[:：][ \u3000]*)(\S)"
_ROLE = re.compile(ROLE_PATTERN)
# A given name the lexicon lacks never ends in one of these (南瓦町 is not 南 + 瓦町).
_NOT_GIVEN_CHAR = frozenset("町村市区郡県府都道丁目番号課係局部室店館社署庁園院寺駅橋会長員事")


def _family(words: Words, key: str) -> float:
    flags = words.get(key, 0)
    if flags & FREQUENT_SURNAME:
        return 1.0
    if flags & SURNAME:
        return 0.55 if flags & COMMON else 0.75
    return 0.0


def _given(words: Words, key: str, spaced: bool) -> float:
    flags = words.get(key, 0)
    if flags & FREQUENT_GIVEN:
        return 1.0
    if flags & GIVEN:
        return 0.5 if flags & COMMON else 0.8
    if flags & PERSON:
        # 人名-一般 in katakana is mostly foreign names (ルペン): weak as a Japanese given name.
        return 0.3 if _KANA.fullmatch(key) else 0.6
    # Unknown to the lexicon: plausible when a short kanji word not ending like a place or post.
    # Kana names are known by their readings; other katakana strings are ordinary words.
    if _KANA.fullmatch(key) or key[-1] in _NOT_GIVEN_CHAR:
        return 0.0
    if flags & COMMON:
        return 0.35 if spaced else 0.1
    return (0.45 if len(key) <= 3 else 0.2) * (1.0 if spaced else 0.8)


def _pair(words: Words, family: str, given: str, spaced: bool) -> float:
    f = _family(words, family)
    if not f:
        # An unknown surname written apart from a known given name is still a name (rare surnames).
        if not spaced or len(family) > 4 or _KANA.fullmatch(family):
            return 0.0
        f = 0.35
    g = _given(words, given, spaced)
    return 0.3 + 0.65 * f * g + (0.05 if spaced else 0.0) if g else 0.0


def strip_role(cell: str) -> str:
    """*cell* without a role written before the name (会長　近藤正男 → 近藤正男); unchanged otherwise."""
    text = cell.strip()
    m = _ROLE.match(text)
    return text[m.start(1) :] if m else text


@lru_cache(maxsize=1 << 16)
def _analyse(cell: str) -> tuple[float, tuple[str, str] | None]:
    text = strip_role(fold(cell))
    if " " in text or "\t" in text:
        text = _SPACES.sub(" ", text)
    honorific = False
    if text and text[-1] in _HONORIFIC_LAST:
        stripped = _HONORIFIC.sub("", text)
        text, honorific = stripped, stripped != text
    if not 1 <= len(text) <= 16 or not _CELL.fullmatch(text):
        return 0.0, None
    words, blocked = lexicon().words, lexicon().blocked
    spaced = " " in text
    compact = text.replace(" ", "") if spaced else text
    if compact.endswith(_NOT_PERSON_END) and not _family(words, compact):
        return 0.0, None
    if not spaced and compact in blocked:
        return 0.1, None
    best, split = 0.0, None
    if spaced:
        family, given = text.split(" ")
        best, split = _pair(words, family, given, True), (family, given)
    else:
        low = 2 if _KANA.fullmatch(text) else 1
        # A whole known surname (中村) splits as a full name only when both halves are common names.
        need = 0.95 if _family(words, text) else 0.0
        for i in range(low, min(len(text) - low, 5) + 1):
            if words.get(text[:i], 0) & SURNAME:
                score = _pair(words, text[:i], text[i:], False)
                if score > best and score >= need:
                    best, split = score, (text[:i], text[i:])
    if best < 0.5:
        # One part only: a family name or a given name alone says less.
        alone = max(_family(words, compact) * 0.45, _given(words, compact, False) * 0.35 if compact else 0.0)
        if alone > best:
            best, split = alone, None
    if best and honorific:
        best = best + 0.1
    best = min(best, 0.99)
    return best, split if best >= 0.5 else None


def name_score(cell: str) -> float:
    """0..1: how likely *cell* is a person's name (full names high, one part alone lower, never 1)."""
    return _analyse(cell)[0] if cell else 0.0


def split_name(cell: str) -> tuple[str, str] | None:
    """(family, given) of a full name in *cell* (NFKC, variant kanji folded, kana as katakana), or None."""
    return _analyse(cell)[1] if cell else None
