import pytest

from mamori.detect.age import Age, is_age_value
from mamori.detect.gender import Gender, is_gender_value
from mamori.models import Location
from mamori.normalize.text import nfkc


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("年齢：45", [("45", 0.9)]),
        ("年齢 ４５歳", [("45", 0.9)]),
        ("山田太郎（45歳）", [("45", 0.75)]),
        ("当時45歳の男性", [("45", 0.9)]),
        ("80歳の男性が", [("80", 0.5)]),
        ("65歳以上の方", []),  # a threshold of a policy
        ("18歳未満", []),
        ("20歳代", []),
        ("年齢 200歳", []),
    ],
)
def test_age_in_text(text: str, expected: list[tuple[str, float]]) -> None:
    assert [(f.value, f.confidence) for f in Age().find(nfkc(text), Location())] == expected


@pytest.mark.parametrize(("value", "ok"), [("45", True), ("45歳", True), ("満45才", True), ("121", False), ("abc", False)])
def test_is_age_value(value: str, ok: bool) -> None:
    assert is_age_value(value) is ok


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("性別：女", ["女"]),
        ("性別 男性", ["男性"]),
        ("山田太郎（男・45歳）", ["男"]),
        ("45歳 女性", ["女性"]),
        ("男女共同参画社会", []),  # 男/女 in running text without context
        ("女性の活躍推進", []),
    ],
)
def test_gender_in_text(text: str, expected: list[str]) -> None:
    assert [f.value for f in Gender().find(nfkc(text), Location())] == expected


@pytest.mark.parametrize(("value", "ok"), [("男", True), ("女性", True), ("F", True), ("男女", False), ("", False)])
def test_is_gender_value(value: str, ok: bool) -> None:
    assert is_gender_value(value) is ok
