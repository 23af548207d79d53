"""Japanese surnames and given names with readings, drawn by rough real-world frequency.

The lists live in ``synth/data/*.tsv`` (written by hand, no external source): about 300
common surnames plus variant-kanji and rare ones (髙橋, 﨑山, 齋藤, 𠮷田, 小鳥遊, 四月一日 …),
and given names by gender and by the era a person was born in.
"""

from __future__ import annotations

import random
import re
from bisect import bisect
from dataclasses import dataclass
from functools import cache, lru_cache
from importlib.resources import files
from itertools import accumulate

import jaconv

ERAS = ("old", "showa", "late", "modern")


@dataclass(frozen=True)
class NameEntry:
    """One name: its kanji (or kana) spelling, katakana reading and a romanisation for e-mails."""

    text: str
    kana: str
    romaji: str


@dataclass(frozen=True)
class NamePool:
    """Names with cumulative weights, for fast weighted draws."""

    entries: tuple[NameEntry, ...]
    cum_weights: tuple[float, ...]

    def pick(self, rng: random.Random) -> NameEntry:
        """One name, drawn by weight."""
        i = bisect(self.cum_weights, rng.random() * self.cum_weights[-1])
        return self.entries[min(i, len(self.entries) - 1)]


def romaji(kana: str) -> str:
    """Lower-case Hepburn-ish romanisation of a katakana reading (``ハットリ`` → ``hattori``)."""
    text = jaconv.kata2alphabet(kana)
    return re.sub(r"xtsu([a-z])", r"\1\1", text).replace("xtsu", "")


def _rows(name: str) -> list[list[str]]:
    raw = (files("mamori.synth") / "data" / name).read_text(encoding="utf-8")
    return [line.split("\t") for line in raw.splitlines() if line and not line.startswith("#")]


def _pool(pairs: list[tuple[str, str, float]]) -> NamePool:
    entries = tuple(NameEntry(text, kana, romaji(kana)) for text, kana, _ in pairs)
    return NamePool(entries, tuple(accumulate(w for _, _, w in pairs)))


@lru_cache(maxsize=1)
def surnames() -> NamePool:
    """Every surname, weighted by rough frequency."""
    return _pool([(r[0], r[1], float(r[2])) for r in _rows("surnames.tsv")])


@cache
def given_names(era: str, gender: str) -> NamePool:
    """Given names of one birth era (see ``ERAS``) and gender (``"男"`` or ``"女"``)."""
    code = "M" if gender == "男" else "F"
    rows = [(r[2], r[3], 1.0) for r in _rows("given_names.tsv") if r[0] == era and r[1] == code]
    return _pool(rows)


def era_of_birth(year: int) -> str:
    """The naming era of someone born in *year*: naming fashions changed with the generations."""
    if year < 1935:
        return "old"
    if year < 1965:
        return "showa"
    if year < 1995:
        return "late"
    return "modern"
