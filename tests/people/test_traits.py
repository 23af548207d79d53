"""What tells two rows of one list apart, as compared (people/traits.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mamori.people.keys import TRAITS
from mamori.people.traits import row_traits, trait_value


@pytest.mark.parametrize(
    ("trait", "a", "b", "same"),
    [
        ("age", "45", "４５歳", True), ("age", "45", "満45才", True), ("age", "45", "46", False),
        ("gender", "男", "男性", True), ("gender", "M", "男", True), ("gender", "女", "男", False),
        ("phone", "090-1234-5678", "０９０（１２３４）５６７８", True), ("phone", "090〓1234〓5678", "09012345678", True),
        ("phone", "090-1234-5678", "090-1234-5679", False),
        ("email", "Taro@Example.JP", "taro@example.jp", True),
        ("drivers_license", "1234 5678 9012", "123456789012", True), ("passport", "tk1234567", "TK1234567", True),
        ("bank_account", "普通 1234567", "普通1234567", True), ("bank_account", "普通 1234567", "普通 7654321", False),
    ],
)
def test_trait_values_compare_after_normalising(trait: str, a: str, b: str, same: bool) -> None:
    assert (trait_value(trait, a) == trait_value(trait, b)) is same


def test_blank_and_unreadable_cells_say_nothing() -> None:
    assert row_traits({"age": "不明", "gender": "  ", "phone": ""}) == ()
    assert row_traits({"age": "45", "unknown": "x"}) == (("age", "45"),)


@given(st.sampled_from(TRAITS), st.text(max_size=20))
def test_trait_value_is_stable(trait: str, text: str) -> None:
    value = trait_value(trait, text)
    assert value == value.strip()
    if trait not in ("age", "phone"):  # an age or phone read back is another form, compared as it is
        assert trait_value(trait, value) == value
