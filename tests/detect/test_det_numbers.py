"""My Number, 法人番号, 住民票コード, 運転免許証, 旅券, 基礎年金番号: check digits and labels."""

import pytest

from mamori.detect.corporate_number import CorporateNumber, corporate_check_digit, is_valid_corporate_number
from mamori.detect.drivers_license import DriversLicense, is_valid_drivers_license, licence_check_digit
from mamori.detect.my_number import MyNumber, is_valid_my_number, my_number_check_digit
from mamori.detect.passport import Passport, is_passport_number
from mamori.detect.pension_number import PensionNumber, is_pension_number
from mamori.detect.resident_code import ResidentCode, is_resident_code, resident_code_check_digit
from mamori.models import Location
from mamori.normalize.text import nfkc

MY = "12345678901" + str(my_number_check_digit("12345678901"))
MY_BAD = MY[:11] + str((int(MY[11]) + 1) % 10)
CORP = str(corporate_check_digit("700001205000")) + "700001205000"
LIC = "3092123456" + str(licence_check_digit("3092123456")) + "0"
RES = "1234567890" + str(resident_code_check_digit("1234567890"))


def found(detector: object, text: str) -> list[str]:
    return [f.value for f in detector.find(nfkc(text), Location())]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"個人番号：{MY}", [MY]),
        (f"マイナンバー {MY[:4]} {MY[4:8]} {MY[8:]}", [f"{MY[:4]} {MY[4:8]} {MY[8:]}"]),
        (f"マイナンバー　{MY[:4]}ー{MY[4:8]}ー{MY[8:]}", [f"{MY[:4]}-{MY[4:8]}-{MY[8:]}"]),
        ("個人番号：" + "".join(chr(0xFF10 + int(c)) for c in MY), [MY]),
        (f"個人番号：{MY_BAD}", []),  # fails the check digit
        (f"請求書番号 {MY}", []),  # passes the check by chance, no context
        (f"法人番号 {CORP}", []),  # 13 digits: a company's number
    ],
)
def test_my_number(text: str, expected: list[str]) -> None:
    assert found(MyNumber(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [(f"法人番号：{CORP}", [(CORP, 0.95)]), (f"登録番号 T{CORP}", [(f"T{CORP}", 0.95)]), (CORP, [(CORP, 0.6)]),
     (f"法人番号 {CORP[:-1]}{(int(CORP[-1]) + 1) % 10}", []), (f"個人番号 {MY}", [])],
)
def test_corporate_number(text: str, expected: list[tuple[str, float]]) -> None:
    assert [(f.value, f.confidence) for f in CorporateNumber().find(nfkc(text), Location())] == expected
    assert all(f.category == "corporate_number" for f in CorporateNumber().find(nfkc(text), Location()))


def test_corporate_check_digit_of_a_real_number() -> None:
    assert is_valid_corporate_number("7000012050002")  # 国税庁's own 法人番号
    assert not is_valid_corporate_number("7000012050003")
    assert not is_valid_my_number("7000012050002")


@pytest.mark.parametrize(
    ("text", "expected"),
    [(f"住民票コード：{RES}", [(RES, 0.95)]), (f"住民票コード {RES[:10]}{(int(RES[10]) + 1) % 10}", [(RES[:10] + str((int(RES[10]) + 1) % 10), 0.85)]),
     (f"整理番号 {RES}", []), ("住民票コード 1234", [])],
)
def test_resident_code(text: str, expected: list[tuple[str, float]]) -> None:
    assert [(f.value, f.confidence) for f in ResidentCode().find(nfkc(text), Location())] == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [(f"運転免許証番号：{LIC}", [(LIC, 0.95)]), (f"免許証 {LIC[:10]}{(int(LIC[10]) + 1) % 10}0", [(LIC[:10] + str((int(LIC[10]) + 1) % 10) + "0", 0.7)]),
     (f"免許証 99{LIC[2:]}", []),  # no such public-safety commission
     (f"受付番号 {LIC}", [])],
)
def test_drivers_license(text: str, expected: list[tuple[str, float]]) -> None:
    assert [(f.value, f.confidence) for f in DriversLicense().find(nfkc(text), Location())] == expected


def test_licence_check_digit_published_example() -> None:
    # the worked example of the public write-ups: 30 90 123456 → check digit 2
    assert licence_check_digit("3090123456") == 2 and is_valid_drivers_license("309012345620")


@pytest.mark.parametrize(
    ("text", "expected"),
    [("旅券番号：TK1234567", ["TK1234567"]), ("パスポート ＴＲ７６５４３２１", ["TR7654321"]), ("型番 AB1234567", []),
     ("旅券番号 T1234567", [])],
)
def test_passport(text: str, expected: list[str]) -> None:
    assert found(Passport(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("基礎年金番号：1234-567890", ["1234-567890"]), ("年金番号 1234567890", ["1234567890"]), ("番号 1234-567890", [])],
)
def test_pension_number(text: str, expected: list[str]) -> None:
    assert found(PensionNumber(), text) == expected


@pytest.mark.parametrize(
    ("check", "value", "ok"),
    [(is_resident_code, "12345678901", True), (is_resident_code, "1234567890", False),
     (is_passport_number, "tk1234567", True), (is_passport_number, "TK123456", False),
     (is_pension_number, "1234-567890", True), (is_pension_number, "123-4567890", False),
     (is_valid_my_number, MY, True), (is_valid_my_number, MY_BAD, False),
     (is_valid_corporate_number, CORP, True), (is_valid_corporate_number, f"T{CORP}", True)],
)
def test_cell_checks(check: object, value: str, ok: bool) -> None:
    assert check(value) is ok  # type: ignore[operator]
