"""要配慮個人情報: disability, care need, health — person data, not the words of policy pages."""

import pytest

from mamori.detect.care_need import CareNeed, is_care_need_value
from mamori.detect.disability import Disability, is_disability_value
from mamori.detect.health import Health, health_terms, is_health_term
from mamori.models import Location
from mamori.normalize.text import nfkc


def found(detector: object, text: str) -> list[str]:
    return [f.value for f in detector.find(nfkc(text), Location())]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("身体障害者手帳 2級", ["2級"]),
        ("身体障がい者手帳（肢体不自由）１級所持", ["1級"]),
        ("療育手帳 A1", ["A1"]),
        ("療育手帳Ｂ", ["B"]),
        ("精神障害者保健福祉手帳2級", ["2級"]),
        ("障害支援区分：区分4", ["区分4"]),
        ("身体障害者手帳の交付申請について", []),  # a procedure, no grade
        ("療育手帳をお持ちの方は Apply", []),
    ],
)
def test_disability(text: str, expected: list[str]) -> None:
    assert found(Disability(), text) == expected


@pytest.mark.parametrize(
    ("value", "ok"), [("1級", True), ("身体2級", True), ("A1", True), ("区分3", True), ("1年", False), ("", False)]
)
def test_is_disability_value(value: str, ok: bool) -> None:
    assert is_disability_value(value) is ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("山田様は要介護3と認定されました", ["要介護3"]),
        ("介護度：要支援２", ["要支援2"]),
        ("要介護度 4", ["4"]),
        ("要介護3以上の方が対象です", []),  # a threshold of a policy
        ("要介護認定の申請方法", []),  # the procedure's name
        ("要支援1～2の方", []),
    ],
)
def test_care_need(text: str, expected: list[str]) -> None:
    assert found(CareNeed(), text) == expected


@pytest.mark.parametrize(
    ("value", "ok"), [("要介護3", True), ("要介護３", False), ("要支援1", True), ("経過的要介護", True), ("介護", False)]
)
def test_is_care_need_value(value: str, ok: bool) -> None:
    # cells reach the classifier NFKC-normalised; a raw full-width digit is not folded here
    assert is_care_need_value(value) is ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("既往歴：糖尿病、高血圧症", ["糖尿病", "高血圧症"]),
        ("山田様は認知症の診断を受け通院中", ["認知症", "通院中"]),
        ("血圧 142/90", ["血圧 142/90"]),
        ("健診結果 要精密検査", ["要精密検査"]),
        ("健康づくり計画を策定しました", []),  # a municipal plan
        ("がん検診のお知らせ：市民の皆様へ", []),
        ("糖尿病予防教室を開催します", []),  # a disease name with no person
    ],
)
def test_health(text: str, expected: list[str]) -> None:
    assert found(Health(), text) == expected


def test_health_terms_and_cells() -> None:
    terms = health_terms()
    assert "糖尿病" in terms and "健康づくり" not in terms
    assert is_health_term("2型糖尿病") and is_health_term("要精密検査") and not is_health_term("健康づくり")
