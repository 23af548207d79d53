import pytest
from hypothesis import given
from hypothesis import strategies as st

from mamori.detect.email_address import EmailAddress
from mamori.detect.masking import mask
from mamori.detect.my_number import MyNumber, is_valid_my_number, my_number_check_digit
from mamori.detect.phone import PhoneJp
from mamori.detect.postal_code import PostalCode
from mamori.detect.registry import detectors
from mamori.models import Location
from mamori.normalize.text import nfkc


def found(detector: object, text: str) -> list[str]:
    return [f.value for f in detector.find(nfkc(text), Location())]  # type: ignore[attr-defined]


def with_check(first11: str) -> str:
    return first11 + str(my_number_check_digit(first11))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("TEL 072-228-7907", ["072-228-7907"]),
        ("電話：０７２ー２２８ー７９０７", ["072-228-7907"]),
        ("携帯 090-1234-5678", ["090-1234-5678"]),
        ("(06)6208-7070", ["(06)6208-7070"]),
        ("IP 050-1234-5678", ["050-1234-5678"]),
        ("フリーダイヤル 0120-123-456", ["0120-123-456"]),
        ("+81-90-1234-5678", ["+81-90-1234-5678"]),
        ("連絡先 09012345678", ["09012345678"]),
        ("090-1234-567", []),  # a digit short
        ("品番 123-4567-8901", []),
        ("2024-01-15", []),
    ],
)
def test_phone(text: str, expected: list[str]) -> None:
    assert found(PhoneJp(), text) == expected


def test_my_number_check_digit_and_context() -> None:
    valid = with_check("12345678901")
    invalid = valid[:11] + str((int(valid[11]) + 1) % 10)
    assert is_valid_my_number(valid) and not is_valid_my_number(invalid)
    assert found(MyNumber(), f"個人番号：{valid}") == [valid]
    assert found(MyNumber(), f"マイナンバー {valid[:4]}-{valid[4:8]}-{valid[8:]}") == [
        f"{valid[:4]}-{valid[4:8]}-{valid[8:]}"]
    assert found(MyNumber(), f"個人番号：{invalid}") == []
    assert found(MyNumber(), f"請求番号 {valid}") == []  # passes the check by chance, no context


@pytest.mark.parametrize(
    ("text", "expected"),
    [("〒590-0078 大阪府堺市", ["590-0078"]), ("郵便番号：５９０－００７８", ["590-0078"]), ("品番 590-0078", [])],
)
def test_postal_code(text: str, expected: list[str]) -> None:
    assert found(PostalCode(), text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("連絡先 taro.yamada@example.co.jp まで", ["taro.yamada@example.co.jp"]), ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", ["taro@example.jp"]),
     ("@twitter", []), ("a@b", [])],
)
def test_email(text: str, expected: list[str]) -> None:
    assert found(EmailAddress(), text) == expected


@pytest.mark.parametrize(
    ("value", "category", "masked"),
    [("山田 太郎", "name", "山● 太●"), ("山田　太郎", "name", "山● 太●"), ("taro@example.jp", "email", "t●●●@example.jp"),
     ("090-1234-5678", "phone", "090●●●●●●●●")],
)
def test_mask(value: str, category: str, masked: str) -> None:
    assert mask(value, category) == masked


@given(st.text(max_size=200))
def test_detectors_never_raise(text: str) -> None:
    for detector in detectors():
        list(detector.find(nfkc(text), Location()))
