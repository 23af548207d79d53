import pytest

from mamori.detect.postal_code import PostalCode, is_known_postal_code, is_valid_postal_code
from mamori.models import Location
from mamori.normalize.text import nfkc


def found(text: str) -> list[str]:
    return [f.value for f in PostalCode().find(nfkc(text), Location())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("〒590-0078 大阪府堺市", ["590-0078"]),
        ("〒５９０ー００７８", ["590-0078"]),
        ("郵便番号：５９０－００７８", ["590-0078"]),
        ("〒5900078", ["5900078"]),
        ("郵便番号 100-8111", ["100-8111"]),  # a large-office code (宮内庁)
        ("590-0078 大阪府堺市堺区南瓦町", ["590-0078"]),  # an address right after it
        ("〒999-9999", []),  # not a code in use
        ("品番 590-0078", []),  # in use, but unlabelled and no address
        ("電話 072-228-7907", []),
        ("5900078", []),
        ("〒590-00789", []),
    ],
)
def test_postal_code_in_text(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("value", "ok"),
    [("590-0078", True), ("〒590-0078", True), ("5900078", True), ("５９０－００７８", True), ("999-9999", False),
     ("590-007", False), ("abc", False), ("", False)],
)
def test_is_valid_postal_code(value: str, ok: bool) -> None:
    assert is_valid_postal_code(value) is ok


def test_known_codes_need_seven_digits() -> None:
    assert is_known_postal_code("100-0001") and not is_known_postal_code("100-00011")
