"""Family names alone that stand for a full name of the same text (和田一郎 … 和田社長 is one person;
トーマス・フリードマン … フリードマン too): marked with the full name, and found where the finders missed them."""

from __future__ import annotations

import re

from mamori.detect.names.lexicon import SURNAME, fold, lexicon
from mamori.detect.names.match import NameMatch

_KANJI_ONLY = re.compile(r"[\u4e00-\u9fff々]+")


def link_family_names(norm: str, found: list[NameMatch], titles: tuple[str, ...]) -> list[NameMatch]:
    """*found* with each family name alone that a full name of the text begins (kanji) or ends with
    (katakana, トーマス・フリードマン → フリードマン) marked as that person; mentions of such a family name
    the finders missed are added."""
    families: dict[str, str] = {}
    for m in found:
        family = _family_of(m.name)
        if family:
            families.setdefault(family, m.name)
    if not families:
        return found
    out = [NameMatch(m.start, m.end, m.name, m.confidence, families.get(m.name.strip(), ""))
           if not _family_of(m.name) else m for m in found]
    taken = [(m.start, m.end) for m in out]
    for family, full in families.items():
        for hit in re.finditer(re.escape(family), norm):
            a, b = hit.span()
            if any(s < b and a < e for s, e in taken) or not _stands_alone(norm, a, b, titles):
                continue
            out.append(NameMatch(a, b, family, 0.7, full))
            taken.append((a, b))
    return sorted(out, key=lambda m: m.start)


_KATAKANA_NAME = re.compile(r"[ァ-ヺー]{2,}(?:[・=][ァ-ヺー]{1,})+")


def _family_of(name: str) -> str:
    """The family name a full name is referred to by later: a kanji surname the lexicon knows followed by
    a given name, or a katakana name's last part; "" for a name that is not a full one."""
    name = name.strip()
    if _KATAKANA_NAME.fullmatch(name):
        last = re.split(r"[・=]", name)[-1]
        return last if len(last) >= 3 else ""
    words = lexicon().words
    parts = name.split()
    if len(parts) == 2 and _KANJI_ONLY.fullmatch(parts[0]) and len(parts[0]) >= 2:
        return parts[0]
    if _KANJI_ONLY.fullmatch(name) and len(name) >= 3:
        return next((name[:n] for n in (3, 2) if n < len(name) and words.get(fold(name[:n]), 0) & SURNAME
                     and len(name) - n <= 3), "")
    return ""


def _stands_alone(norm: str, a: int, b: int, titles: tuple[str, ...]) -> bool:
    """Whether norm[a:b] is a word of its own: not inside a longer run of its script, except before a
    title (和田社長, 斎藤課長)."""
    kana = "\u30a1" <= norm[a] <= "\u30fc"
    same = (lambda c: "\u30a1" <= c <= "\u30fc" or c == "・") if kana else (lambda c: bool(_KANJI_ONLY.match(c)))
    if a and same(norm[a - 1]):
        return False
    return b >= len(norm) or not same(norm[b]) or norm.startswith(titles, b)
