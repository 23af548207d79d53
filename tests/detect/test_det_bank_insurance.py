import pytest

from mamori.detect.bank_account import BankAccount, is_bank_account_cell, is_bank_account_value
from mamori.detect.insurance_number import (
    InsuranceNumber,
    insurer_check_digit,
    is_insurance_number_value,
    is_symbol_number,
    is_valid_insurer_number,
)
from mamori.models import Location
from mamori.normalize.text import nfkc


def found(detector: object, text: str) -> list[tuple[str, float]]:
    return [(f.value, f.confidence) for f in detector.find(nfkc(text), Location())]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("口座番号：1234567", [("1234567", 0.85)]),
        ("〇〇銀行 堺支店 普通 1234567", [("1234567", 0.95)]),
        ("振込先 (当)７６５４３２１ 南海信用金庫", [("7654321", 0.95)]),
        ("ゆうちょ銀行 記号番号 12345-12345678", [("12345-12345678", 0.95)]),
        ("口座番号 123456", []),  # six digits
        ("受付番号 1234567", []),  # no account label
        ("普通の人 1234567", []),
    ],
)
def test_bank_account(text: str, expected: list[tuple[str, float]]) -> None:
    assert found(BankAccount(), text) == expected


@pytest.mark.parametrize(("value", "ok"), [("1234567", True), ("123456", False), ("12345678", False)])
def test_is_bank_account_value(value: str, ok: bool) -> None:
    assert is_bank_account_value(value) is ok


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("三井住友銀行 堺支店 普通 1234567", True),
        ("大阪信用金庫　北花田支店　普通　７３１４９５０", True),  # full-width, as typed
        ("ゆうちょ銀行 四〇八支店 普通 6879866", True),  # a branch named in kanji numerals
        ("みずほ銀行 本店 当座 0012345", True),
        ("JA堺市 本店 普通 1234567", True),
        ("りそな銀行 123 普通 1234567", True),  # branch as its number
        ("三井住友銀行堺支店 1234567 普通", True),  # type after the number
        ("南海信用金庫 堺東支店 (普)7654321", True),
        ("三井住友銀行 堺支店 普通 1234567 ﾔﾏﾀﾞ ﾀﾛｳ", True),  # with the holder's name as read
        ("三井住友銀行 堺支店 普通 1234567 備考あり 要確認 済", False),
        ("三井住友銀行 堺支店", False),  # no number
        ("普通 1234567", False),  # no institution
        ("大阪府堺市北区 普通 1234567", False),
        ("三井住友銀行 堺支店 普通 123456", False),  # six digits
    ],
)
def test_is_bank_account_cell(value: str, ok: bool) -> None:
    assert is_bank_account_cell(nfkc(value)) is ok


INSURER = "331200" + "1"
INSURER += str(insurer_check_digit(INSURER))  # 33120015: the worked example of the 検証番号 rule


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("被保険者番号：12345678", [("12345678", 0.9)]),  # 国保・後期高齢
        ("介護保険 被保険者番号 0123456789", [("0123456789", 0.9)]),
        ("被保険者番号 １２３４５６７８", [("12345678", 0.9)]),
        (f"保険者番号 {INSURER}", [(INSURER, 0.7)]),
        ("保険者番号 33120016", []),  # wrong 検証番号
        ("被保険者番号 1234567", []),
        ("番号 12345678", []),
        ("国保記号番号：堺77-099349", [("堺77-099349", 0.9)]),  # 記号 with the city's kanji, then the number
        ("保険証の記号・番号 北12・345678", [("北12・345678", 0.9)]),
        ("記号番号 堺77-099349-1", []),
    ],
)
def test_insurance_number(text: str, expected: list[tuple[str, float]]) -> None:
    assert found(InsuranceNumber(), text) == expected


def test_insurer_check_digit_example() -> None:
    assert INSURER == "33120015" and is_valid_insurer_number("33120015")
    assert is_insurance_number_value("12345678") and not is_insurance_number_value("1234")


@pytest.mark.parametrize(
    ("value", "ok"),
    [("堺77-099349", True), ("北12・345678", True), ("記号 堺77 番号 099349", True), ("記号：12 番号：3456789", True),
     ("77-099349", False), ("堺市北区1-2", False), ("堺区1-23-4", False), ("0481-146639", False), ("", False)],
)
def test_is_symbol_number(value: str, ok: bool) -> None:
    assert is_symbol_number(nfkc(value)) is ok
