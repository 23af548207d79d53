"""Value variants: era dates (round trip through a tiny reference parser), blocks, names, phones."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mamori.errors import MamoriError
from mamori.synth.eras import era_of
from mamori.synth.variants import (
    BLOCK_STYLES,
    DATE_STYLES,
    KANA_STYLES,
    PHONE_STYLES,
    age_on,
    block_numbers,
    format_block,
    format_date,
    format_gender,
    format_kana,
    format_name,
    format_phone,
    kanji_number,
    legacy_safe,
)

_ERA_START = {"明治": 1868, "大正": 1912, "昭和": 1926, "平成": 1989, "令和": 2019}
_LETTER = {"M": "明治", "T": "大正", "S": "昭和", "H": "平成", "R": "令和"}
_CODE = {"1": "明治", "2": "大正", "3": "昭和", "4": "平成", "5": "令和"}


def parse_reference(text: str) -> date:
    """Independent little parser for every style format_date writes."""
    t = unicodedata.normalize("NFKC", text)
    if m := re.fullmatch(r"(明治|大正|昭和|平成|令和)(元|\d+)年(\d+)月(\d+)日", t):
        era, y = m[1], 1 if m[2] == "元" else int(m[2])
        return date(_ERA_START[era] + y - 1, int(m[3]), int(m[4]))
    if m := re.fullmatch(r"([明大昭平令])(\d+)\.(\d+)\.(\d+)", t):
        era = next(e for e in _ERA_START if e.startswith(m[1]))
        return date(_ERA_START[era] + int(m[2]) - 1, int(m[3]), int(m[4]))
    if m := re.fullmatch(r"([MTSHR])(\d+)[./](\d+)[./](\d+)", t):
        return date(_ERA_START[_LETTER[m[1]]] + int(m[2]) - 1, int(m[3]), int(m[4]))
    if m := re.fullmatch(r"([1-5])(\d\d)(\d\d)(\d\d)", t):
        return date(_ERA_START[_CODE[m[1]]] + int(m[2]) - 1, int(m[3]), int(m[4]))
    if m := re.fullmatch(r"(\d{4})[-/年]?(\d{1,2})[-/月]?(\d{1,2})日?", t):
        return date(int(m[1]), int(m[2]), int(m[3]))
    raise AssertionError(f"reference parser cannot read {text!r}")


@given(st.dates(min_value=date(1868, 10, 23), max_value=date(2100, 12, 31)), st.sampled_from(DATE_STYLES))
def test_every_date_style_parses_back(day: date, style: str) -> None:
    assert parse_reference(format_date(day, style)) == day


@pytest.mark.parametrize(("day", "style", "expected"), [
    (date(1970, 3, 2), "wareki", "昭和45年3月2日"),
    (date(1970, 3, 2), "letter_dot", "S45.3.2"),
    (date(1970, 3, 2), "letter_slash", "S45/03/02"),
    (date(1970, 3, 2), "wareki_short", "昭45.3.2"),
    (date(1970, 3, 2), "wareki_fw", "昭和４５年３月２日"),
    (date(1970, 3, 2), "slash", "1970/03/02"),
    (date(1970, 3, 2), "iso", "1970-03-02"),
    (date(1970, 3, 2), "compact", "19700302"),
    (date(1970, 3, 2), "code7", "3450302"),
    (date(1989, 5, 1), "wareki", "平成元年5月1日"),
    (date(1989, 5, 1), "letter_dot", "H1.5.1"),
    (date(2020, 1, 10), "letter_dot", "R2.1.10"),
    (date(1989, 1, 7), "wareki", "昭和64年1月7日"),
    (date(1989, 1, 8), "wareki", "平成元年1月8日"),
    (date(2019, 4, 30), "wareki", "平成31年4月30日"),
    (date(2019, 5, 1), "wareki", "令和元年5月1日"),
    (date(1926, 12, 24), "wareki", "大正15年12月24日"),
    (date(1926, 12, 25), "wareki", "昭和元年12月25日"),
    (date(1912, 7, 29), "wareki", "明治45年7月29日"),
    (date(1912, 7, 30), "wareki", "大正元年7月30日"),
    (date(1868, 10, 23), "wareki", "明治元年10月23日"),
])
def test_era_dates(day: date, style: str, expected: str) -> None:
    assert format_date(day, style) == expected


def test_before_meiji_and_unknown_style_raise_mamori_error() -> None:
    with pytest.raises(MamoriError):
        era_of(date(1868, 10, 22))
    with pytest.raises(MamoriError):
        format_date(date(2000, 1, 1), "nope")


@pytest.mark.parametrize(("n", "kanji"), [(1, "一"), (10, "十"), (12, "十二"), (20, "二十"), (105, "百五"),
                                          (1234, "千二百三十四"), (2000, "二千")])
def test_kanji_numbers(n: int, kanji: str) -> None:
    assert kanji_number(n) == kanji
    assert block_numbers(kanji + "番地") == (n,)


@pytest.mark.parametrize(("block", "style", "expected"), [
    ("3丁目12番5号", "hyphen", "3-12-5"),
    ("3-12-5", "kanji", "三丁目十二番五号"),
    ("三丁目十二番五号", "marks", "3丁目12番5号"),
    ("3丁目12番5号", "chome_hyphen", "3丁目12-5"),
    ("3丁目12番5号", "fullwidth", "３丁目１２番５号"),
    ("12番5号", "hyphen", "12-5"),
    ("12-5", "marks", "12番5号"),
    ("1234番地5", "kanji", "千二百三十四番地五"),
    ("１２３番地", "hyphen", "123"),
])
def test_blocks(block: str, style: str, expected: str) -> None:
    assert format_block(block, style) == expected


@given(st.integers(1, 9), st.integers(1, 99), st.integers(1, 99), st.sampled_from(BLOCK_STYLES))
def test_block_styles_keep_the_numbers(c: int, b: int, g: int, style: str) -> None:
    assert block_numbers(format_block(f"{c}丁目{b}番{g}号", style)) == (c, b, g)


def test_names_kana_phones_gender() -> None:
    assert format_name("山田", "太郎", "fw_space") == "山田　太郎"
    assert format_name("山田", "太郎", "hw_space") == "山田 太郎"
    assert format_name("山田", "太郎", "nospace") == "山田太郎"
    kana = {s: format_kana("ヤマダ", "タロウ", s) for s in KANA_STYLES}
    assert kana["halfwidth"] == "ﾔﾏﾀﾞ ﾀﾛｳ"
    assert kana["hiragana"] == "やまだ　たろう"
    phones = {s: format_phone("072-228-7907", s) for s in PHONE_STYLES}
    assert phones["fullwidth"] == "０７２－２２８－７９０７"
    assert phones["paren"] == "072(228)7907"
    assert phones["chouon"] == "072ー228ー7907"
    for text in phones.values():
        assert re.sub(r"\D", "", unicodedata.normalize("NFKC", text)) == "0722287907"
    assert [format_gender("男", s) for s in ("kanji", "code", "letter")] == ["男", "1", "M"]
    assert [format_gender("女", s) for s in ("kanji", "code", "letter")] == ["女", "2", "F"]


def test_age_and_legacy_fallbacks() -> None:
    assert age_on(date(1970, 3, 2), date(2023, 3, 1)) == 52
    assert age_on(date(1970, 3, 2), date(2023, 3, 2)) == 53
    assert legacy_safe("𠮷田　髙橋", "cp932") == "吉田　髙橋"
    assert legacy_safe("﨑山", "euc-jp") == "崎山"
    assert legacy_safe("ﾔﾏﾀﾞ", "iso-2022-jp") == "ヤマダ"
    assert legacy_safe("☃", "cp932") == "〓"
