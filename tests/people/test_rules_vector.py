"""The normalisation rules: scalar and vectorised forms agree, normalisers are idempotent and never raise."""

from __future__ import annotations

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.normalize.address import address_key, canonical_address
from mamori.normalize.rules import (
    ADDRESS_KEY_RULES,
    ADDRESS_RULES,
    DIGIT_RULES,
    EMAIL_RULES,
    NAME_RULES,
    PHONE_RULES,
    apply,
)
from mamori.normalize.text import email_key, name_key, phone_key
from mamori.normalize.vector import apply_distinct, apply_series
from mamori.synth.variants import BLOCK_STYLES, format_address

RULES = {"name": NAME_RULES, "address": ADDRESS_RULES + ADDRESS_KEY_RULES, "phone": PHONE_RULES,
         "email": EMAIL_RULES, "digits": DIGIT_RULES}
# What identity values are made of: kanji (numerals and multipliers too), kana of both widths, digits of
# both widths, every dash, spaces, units, marks NFKC changes, letters and the odd symbol.
ALPHABET = ("山田太郎花子髙﨑齋堺市区町村大阪府東京都千代田永田〒丁目番地号の之ノ〇一二三四五六七八九十百千"
            "やまだたろうヤマダタロウｱｲｳｶﾞﾊﾟ0123456789０１２３４５６７８９-‐－ー―−ｰ 　・=()（）+@.abcXYZ㈱①")
values = st.lists(st.text(alphabet=ALPHABET, max_size=30), min_size=1, max_size=30)


@settings(max_examples=60, deadline=None)
@given(values)
def test_vectorised_rules_equal_scalar_rules(cells: list[str]) -> None:
    series = pl.Series(cells, dtype=pl.String)
    for steps in RULES.values():
        assert apply_series(steps, series).to_list() == [apply(steps, c) for c in cells]
        assert apply_distinct(steps, pl.Series(cells * 3)).to_list() == [apply(steps, c) for c in cells * 3]


@given(st.text(max_size=60))
def test_normalisers_never_raise(text: str) -> None:
    for fn in (name_key, canonical_address, address_key, phone_key, email_key):
        assert isinstance(fn(text), str)


@given(st.text(alphabet=ALPHABET, max_size=40))
def test_name_key_is_idempotent(text: str) -> None:
    assert name_key(name_key(text)) == name_key(text)


@pytest.mark.parametrize("style", BLOCK_STYLES)
@pytest.mark.parametrize("block", ["3丁目12番5号", "12番5号", "1394番地23", "25番地"])
@pytest.mark.parametrize("with_prefecture", [True, False])
def test_address_forms_agree_and_are_idempotent(style: str, block: str, with_prefecture: bool) -> None:
    plain = format_address("大阪府", "堺市北区", "東三国ヶ丘町", block, "サンハイツ201")
    other = format_address("大阪府", "堺市北区", "東三国ヶ丘町", block, "サンハイツ201", block_style=style,
                           with_prefecture=with_prefecture, postal_code="591-8023", building_sep="　")
    assert canonical_address(other) == canonical_address(plain)
    assert canonical_address(canonical_address(other)) == canonical_address(other)
    assert address_key(other) == address_key(plain.replace("サンハイツ201", ""))


@given(st.integers(1, 9999))
def test_kanji_house_numbers_become_digits(n: int) -> None:
    from mamori.synth.variants import kanji_number

    assert canonical_address(f"{kanji_number(n)}番地") == str(n)
    assert canonical_address(f"南瓦町{kanji_number(n)}番{kanji_number(n)}号") == f"南瓦町{n}-{n}"


@settings(max_examples=40, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=30), st.integers(2, 50))
def test_a_column_of_one_value_gives_that_value_everywhere(cell: str, rows: int) -> None:
    # A role the table has no column for arrives as one repeated value: looked up once, spread out.
    for steps in RULES.values():
        assert apply_distinct(steps, pl.Series([cell] * rows)).to_list() == [apply(steps, cell)] * rows
        assert apply_distinct(steps, pl.Series([None] * rows, dtype=pl.String)).to_list() == [None] * rows


_FRONT_TOKENS = ["〒", "郵便番号", "郵便番号:", "590", "-", "0078", "5900078", "大阪府", "東京都", "北海道", "堺市", "3", "丁目"]


@given(st.lists(st.sampled_from(_FRONT_TOKENS), max_size=8).map("".join))
def test_one_pass_strips_a_postal_code_then_a_prefecture(text: str) -> None:
    # ADDRESS_RULES strips both in one step; it must do what two steps in turn did.
    from mamori.normalize.rules import _D, PREFECTURES, sub_step

    combined = next(s for s in ADDRESS_RULES if s.arg.startswith("^(?:(?:〒"))
    in_turn = (sub_step(f"^(?:(?:〒|郵便番号:?)?{_D}{{3}}-?{_D}{{4}}|〒)"), sub_step("^(?:" + "|".join(PREFECTURES) + ")"))
    assert apply([combined], text) == apply(in_turn, text)
    assert apply_series([combined], pl.Series([text])).to_list() == [apply(in_turn, text)]
