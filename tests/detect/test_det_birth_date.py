from datetime import date

import pytest

from mamori.detect.birth_date import BirthDate, birth_date_value, is_plausible_birth_date
from mamori.models import Location
from mamori.normalize.text import nfkc


def found(text: str) -> list[str]:
    return [f.value for f in BirthDate().find(nfkc(text), Location())]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("生年月日：昭和45年3月2日", ["昭和45年3月2日"]),
        ("昭和45年3月2日生", ["昭和45年3月2日"]),
        ("S.45.3.2生まれ", ["S.45.3.2"]),
        ("生年月日 S45.3.2", ["S45.3.2"]),
        ("生年月日 昭和４５年 ３月 ２日", ["昭和45年 3月 2日"]),
        ("生年月日 昭和四十五年三月二日", ["昭和四十五年三月二日"]),
        ("生年月日 平成元年5月1日", ["平成元年5月1日"]),
        ("1970年3月2日(54歳)", ["1970年3月2日"]),
        ("誕生日 1970/03/02", ["1970/03/02"]),
        ("会議は令和6年4月1日に開催します", []),  # an event date
        ("令和6年4月1日から施行する", []),
        ("受付日 2024/04/01", []),
        ("誕生日 2099/1/1", []),  # in the future
        ("生年月日 昭和65年1月1日", []),  # no such day: 昭和 ended in its 64th year
    ],
)
def test_birth_date_in_text(text: str, expected: list[str]) -> None:
    assert found(text) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("昭和45年3月2日", date(1970, 3, 2)), ("S45.3.2", date(1970, 3, 2)), ("3450302", date(1970, 3, 2)),
     ("1970-03-02", date(1970, 3, 2)), ("2099-01-01", None), ("1850-01-01", None), ("担当者", None), ("", None)],
)
def test_birth_date_value(value: str, expected: date | None) -> None:
    assert birth_date_value(value, today=date(2025, 1, 1)) == expected
    assert is_plausible_birth_date(value) is (expected is not None)
