"""Synthetic residents: deterministic by seed, fast enough for a 682,524-person voter list."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Iterator
from dataclasses import replace
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate, pairwise

from mamori.synth import mynumber
from mamori.synth.model import Resident
from mamori.synth.names import era_of_birth, given_names, surnames
from mamori.synth.places import Town, landline, mobile, town_pool

FIRST_YEAR, LAST_YEAR = 1915, 2010

# Relative cohort sizes of people alive in the 2010s by birth year (rough shape of Japan's
# population pyramid: few survivors of the 1910s, the 1947-49 and 1971-74 baby booms).
_ANCHORS = ((1915, 0.05), (1920, 0.2), (1925, 0.6), (1930, 1.0), (1935, 1.3), (1940, 1.45),
            (1945, 1.35), (1947, 2.2), (1949, 2.2), (1951, 1.8), (1955, 1.6), (1962, 1.55),
            (1967, 1.8), (1971, 2.0), (1974, 2.0), (1978, 1.7), (1985, 1.5), (1990, 1.25),
            (2000, 1.15), (2010, 1.05))

_BUILDINGS = ("サンハイツ", "メゾン", "コーポ", "グランドメゾン", "パークハイツ", "レジデンス",
              "ハイツ", "シャトー", "プラザ", "ロイヤルマンション", "アーバンコート", "ライオンズマンション")
_BUILDING_TAILS = ("堺", "大仙", "中百舌鳥", "鳳", "泉北", "南", "北野田", "浜寺", "第2", "Ⅱ", "壱番館", "")
_MAIL_DOMAINS = ("docomo.ne.jp", "ezweb.ne.jp", "softbank.ne.jp", "i.softbank.jp", "gmail.com",
                 "yahoo.co.jp", "icloud.com", "outlook.jp", "hotmail.co.jp", "nifty.com",
                 "zaq.ne.jp", "eonet.ne.jp", "ocn.ne.jp", "au.com", "biglobe.ne.jp")


def _year_weight(year: int) -> float:
    for (y0, w0), (y1, w1) in pairwise(_ANCHORS):
        if y0 <= year <= y1:
            return w0 + (w1 - w0) * (year - y0) / (y1 - y0)
    return _ANCHORS[-1][1]


@lru_cache(maxsize=1)
def _birth_table() -> tuple[tuple[int, ...], tuple[float, ...]]:
    years = tuple(range(FIRST_YEAR, LAST_YEAR + 1))
    return years, tuple(accumulate(_year_weight(y) for y in years))


def _birth_date(rng: random.Random) -> date:
    years, cum = _birth_table()
    year = years[min(bisect(cum, rng.random() * cum[-1]), len(years) - 1)]
    return date(year, 1, 1) + timedelta(days=int(rng.random() * (366 if year % 4 == 0 else 365)))


def _block(town: Town, rng: random.Random) -> str:
    ban, go = 1 + int(rng.random() * 30), 1 + int(rng.random() * 25)
    roll = rng.random()
    if town.chome:
        chome = 1 + int(rng.random() * 6)
        if roll < 0.55:
            return f"{chome}丁目{ban}番{go}号"
        if roll < 0.8:
            return f"{chome}-{ban}-{go}"
        if roll < 0.9:
            return f"{chome}丁目{ban}-{go}"
        from mamori.synth.variants import format_block  # variants is light; imported lazily on a rare path

        return format_block(f"{chome}-{ban}-{go}", "kanji")
    if roll < 0.4:
        return f"{ban}番{go}号"
    if roll < 0.6:
        return f"{ban}-{go}"
    number = rng.randint(1, 2500)
    return f"{number}番地" if roll < 0.8 else f"{number}番地{rng.randint(1, 30)}"


def _building(rng: random.Random) -> str:
    if rng.random() >= 0.28:
        return ""
    room = f"{rng.randint(1, 12)}{rng.randint(1, 12):02d}"
    if rng.random() < 0.15:
        return f"市営住宅{rng.randint(1, 40)}号棟{room}号室"
    name = rng.choice(_BUILDINGS) + rng.choice(_BUILDING_TAILS)
    return f"{name}{room}号室" if rng.random() < 0.7 else f"{name} {room}号"


def _email(local: str, year: int, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.4:
        user = local
    elif roll < 0.7:
        user = f"{local}{year % 100:02d}"
    else:
        user = f"{local}{rng.randint(1, 999)}"
    return f"{user}@{rng.choice(_MAIL_DOMAINS)}"


def make_resident(rid: int, rng: random.Random) -> Resident:
    """One resident with id *rid*, drawing everything from *rng*."""
    birth = _birth_date(rng)
    female_share = 0.65 if birth.year < 1935 else 0.55 if birth.year < 1950 else 0.49
    gender = "女" if rng.random() < female_share else "男"
    family = surnames().pick(rng)
    given = given_names(era_of_birth(birth.year), gender).pick(rng)
    town = town_pool().pick(rng)
    age_2015 = 2015 - birth.year
    phone = landline(town, rng) if rng.random() < (0.85 if age_2015 >= 60 else 0.55) else ""
    cell = mobile(rng) if rng.random() < (0.5 if age_2015 >= 80 else 0.1 if age_2015 < 10 else 0.9) else ""
    mail = ""
    if 13 <= age_2015 <= 80 and rng.random() < 0.6:
        sep = rng.choice((".", "_", "", "-"))
        local = f"{given.romaji}{sep}{family.romaji}" if rng.random() < 0.5 else f"{family.romaji}{sep}{given.romaji}"
        mail = _email(local, birth.year, rng)
    return Resident(
        id=rid, family_name=family.text, given_name=given.text, family_kana=family.kana,
        given_kana=given.kana, gender=gender, birth_date=birth, postal_code=town.postal_code,
        prefecture=town.prefecture, city=town.city, town=town.town, block=_block(town, rng),
        building=_building(rng), phone=phone, mobile=cell, email=mail,
        my_number=mynumber.generate(rng),
    )


def iter_residents(n: int, seed: int, start_id: int = 1) -> Iterator[Resident]:
    """Residents ``start_id .. start_id+n-1``, one at a time (bounded memory); same seed, same people."""
    rng = random.Random(seed)
    for rid in range(start_id, start_id + n):
        yield make_resident(rid, rng)


def generate_residents(n: int, seed: int, start_id: int = 1) -> list[Resident]:
    """A list of *n* residents; deterministic by *seed*."""
    return list(iter_residents(n, seed, start_id))


#: Ids of household members made up around a pool resident start here (``head.id * 10 + k`` above it).
HOUSEHOLD_ID_BASE = 1_000_000_000


def _relative(head: Resident, k: int, gender: str, birth: date, rng: random.Random) -> Resident:
    given = given_names(era_of_birth(birth.year), gender).pick(rng)
    return replace(head, id=HOUSEHOLD_ID_BASE + head.id * 10 + k, given_name=given.text, given_kana=given.kana,
                   gender=gender, birth_date=birth, mobile="", email="", my_number=mynumber.generate(rng))


def household_of(head: Resident) -> list[tuple[str, Resident]]:
    """*head*'s household as (続柄, person): the head first, then spouse, children, a parent.

    The members share the head's surname, address and landline; they are made up from the head's id
    alone, so the same household is the same people (same ids) in every file that lists it.
    """
    rng = random.Random(f"household-{head.id}")
    members: list[tuple[str, Resident]] = [("世帯主", head)]
    year = head.birth_date.year
    other = "女" if head.gender == "男" else "男"
    if year <= 1992 and rng.random() < 0.7:
        spouse_year = max(FIRST_YEAR, min(LAST_YEAR, year + rng.randint(-4, 4)))
        members.append(("妻" if other == "女" else "夫", _relative(head, 1, other, _birth_date_in(spouse_year, rng),
                                                                     rng)))
    sons = daughters = 0
    for k in range(2, 2 + (rng.choice((0, 1, 1, 2, 2, 3)) if year <= 1985 else 0)):
        child_year = year + rng.randint(24, 40)
        if child_year > LAST_YEAR:
            break
        gender = rng.choice(("男", "女"))
        sons, daughters = sons + (gender == "男"), daughters + (gender == "女")
        n = sons if gender == "男" else daughters
        word = ("長", "二", "三")[n - 1] + ("男" if gender == "男" else "女")
        members.append((word, _relative(head, k, gender, _birth_date_in(child_year, rng), rng)))
    if year >= 1950 and rng.random() < 0.15:
        parent_year = max(FIRST_YEAR, year - rng.randint(24, 34))
        members.append(("母", _relative(head, 9, "女", _birth_date_in(parent_year, rng), rng)))
    return members


def _birth_date_in(year: int, rng: random.Random) -> date:
    return date(year, 1, 1) + timedelta(days=int(rng.random() * (366 if year % 4 == 0 else 365)))
