"""Salary, school, e-mail."""

import pytest

from mamori.detect.email_address import EmailAddress, is_email
from mamori.detect.salary import Salary, is_salary_value
from mamori.detect.school import School, is_school_value
from mamori.models import Location
from mamori.normalize.text import nfkc


def found(detector: object, text: str) -> list[str]:
    return [f.value for f in detector.find(nfkc(text), Location())]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("基本給 250,000円", ["250,000円"]),
        ("手取り：21万円", ["21万円"]),
        ("支給額 ￥１８０，０００", ["¥180,000"]),
        ("給与の支給は条例で定める", []),  # no amount
        ("職員給与費 1,234,567千円", []),  # a budget line
        ("給与費 12,345", []),
    ],
)
def test_salary(text: str, expected: list[str]) -> None:
    assert found(Salary(), text) == expected


@pytest.mark.parametrize(("value", "ok"), [("250,000", True), ("¥250000", True), ("25万円", True), ("abc", False)])
def test_is_salary_value(value: str, ok: bool) -> None:
    assert is_salary_value(value) is ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("堺市立三国丘小学校 3年2組", ["堺市立三国丘小学校 3年2組"]),
        ("在籍：浜寺中学校２年", ["浜寺中学校2年"]),
        ("○○高等学校 卒業", []),  # ○ is no name character: a school kind alone is no school
        ("大阪大学卒", ["大阪大学卒"]),
        ("三国丘小学校で運動会を開催", []),  # a facility
        ("小学校3年生", []),  # no school name
    ],
)
def test_school(text: str, expected: list[str]) -> None:
    assert found(School(), text) == expected


@pytest.mark.parametrize(("value", "ok"), [("3年2組", True), ("堺市立三国丘小学校", True), ("学校", False)])
def test_is_school_value(value: str, ok: bool) -> None:
    assert is_school_value(value) is ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [("連絡先 taro.yamada@example.co.jp まで", ["taro.yamada@example.co.jp"]), ("ｔａｒｏ＠ｅｘａｍｐｌｅ．ｊｐ", ["taro@example.jp"]),
     ("@twitter", []), ("a@b", [])],
)
def test_email(text: str, expected: list[str]) -> None:
    assert found(EmailAddress(), text) == expected
    assert all(is_email(v) for v in expected)
