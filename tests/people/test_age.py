"""Stated ages as birth years (people/age.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mamori.normalize.age import SLACK_YEARS, birth_years, parse_age, years_for


@pytest.mark.parametrize(
    ("text", "age"),
    [("62", 62), ("６２歳", 62), ("満62才", 62), ("62 歳", 62), ("1歳6か月", 1), ("0歳", 0), ("年齢:45", 45),
     ("62.0", 62), ("120", 120), ("121", None), ("62.5", None), ("六十二歳", None), ("65歳以上", None), ("", None),
     ("abc", None)],
)
def test_parse_age(text: str, age: int | None) -> None:
    assert parse_age(text) == age


def test_an_age_on_a_day_allows_its_two_birth_years_and_the_slack() -> None:
    assert birth_years(62, date(2015, 6, 1)) == tuple(range(1952 - SLACK_YEARS, 1954 + SLACK_YEARS))
    assert birth_years(130, date(2024, 1, 1)) == ()


def test_without_a_row_date_an_age_says_nothing() -> None:
    assert years_for("62", date(2015, 6, 1)) == birth_years(62, date(2015, 6, 1))
    assert years_for("62", None) == ()
    assert years_for("不明", date(2015, 6, 1)) == ()
    assert years_for("", date(2015, 6, 1)) == ()


@given(st.integers(0, 120), st.dates(date(1900, 1, 1), date(2000, 12, 31)), st.integers(0, 363))
def test_the_true_birth_year_is_always_allowed(age: int, birth: date, days_after_birthday: int) -> None:
    try:
        birthday = birth.replace(year=birth.year + age)
    except ValueError:  # born on 29 February
        birthday = date(birth.year + age, 3, 1)
    on = birthday + timedelta(days=days_after_birthday)  # still *age* years old
    assert birth.year in years_for(str(age), on)
    assert birth.year in years_for(f"{age}歳", on)


@given(st.text(max_size=12))
def test_parse_age_never_crashes(text: str) -> None:
    age = parse_age(text)
    assert age is None or 0 <= age <= 120
