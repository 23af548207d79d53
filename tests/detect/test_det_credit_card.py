import pytest

from mamori.detect.credit_card import CreditCard, is_valid_credit_card, issuer, luhn_ok
from mamori.models import Location
from mamori.normalize.text import nfkc


def found(text: str) -> list[tuple[str, float]]:
    return [(f.value, f.confidence) for f in CreditCard().find(nfkc(text), Location())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("カード番号 4111 1111 1111 1111", [("4111 1111 1111 1111", 0.95)]),  # Visa test number
        ("5555-5555-5555-4444", [("5555-5555-5555-4444", 0.7)]),  # Mastercard
        ("2223 0031 2200 3222", [("2223 0031 2200 3222", 0.7)]),  # Mastercard 2-series
        ("ＪＣＢ ３５３０－１１１３－３３３０－００００", [("3530-1113-3330-0000", 0.95)]),
        ("3782 822463 10005", [("3782 822463 10005", 0.7)]),  # Amex 4-6-5
        ("3056 930902 5904", [("3056 930902 5904", 0.7)]),  # Diners 14 digits
        ("クレジットカード 4111111111111111", [("4111111111111111", 0.95)]),
        ("4111111111111111", []),  # an ungrouped digit run without a label
        ("4111 1111 1111 1112", []),  # fails Luhn
        ("9999 9999 9999 9995", []),  # passes Luhn, no issuer
        ("注文番号 1234-5678-9012-3456", []),
    ],
)
def test_credit_card_in_text(text: str, expected: list[tuple[str, float]]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("number", "brand"),
    [("4111111111111111", "visa"), ("5105105105105100", "mastercard"), ("2720990000000007", "mastercard"),
     ("3566002020360505", "jcb"), ("371449635398431", "amex"), ("30569309025904", "diners"),
     ("6011111111111117", "discover"), ("1234567890123456", None)],
)
def test_issuer(number: str, brand: str | None) -> None:
    assert issuer(number) == brand
    if brand:
        assert luhn_ok(number) and is_valid_credit_card(number)
