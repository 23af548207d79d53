from datetime import date

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.normalize.wareki import iso_dates, parse_cell_date, parse_date, to_era

ERA_LETTER = {"明治": "M", "大正": "T", "昭和": "S", "平成": "H", "令和": "R"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("昭和45年3月2日", date(1970, 3, 2)),
        ("S45.3.2", date(1970, 3, 2)),
        ("s45/03/02", date(1970, 3, 2)),
        ("昭45.3.2", date(1970, 3, 2)),
        ("昭和４５年３月２日", date(1970, 3, 2)),
        ("平成元年5月1日", date(1989, 5, 1)),
        ("H1.5.1", date(1989, 5, 1)),
        ("R2.1.10", date(2020, 1, 10)),
        ("令和元年5月1日", date(2019, 5, 1)),
        ("昭和64年1月7日", date(1989, 1, 7)),
        ("昭和64年1月8日", None),  # that day was 平成元年
        ("平成31年4月30日", date(2019, 4, 30)),
        ("平成31年5月1日", None),
        ("大正15年12月24日", date(1926, 12, 24)),
        ("1970/03/02", date(1970, 3, 2)),
        ("1970-3-2", date(1970, 3, 2)),
        ("19700302", date(1970, 3, 2)),
        ("１９７０年３月２日", date(1970, 3, 2)),
        ("生年月日：昭和 45 年 3 月 2 日生", date(1970, 3, 2)),
        ("昭和45年2月30日", None),
        ("第3回", None),
        ("", None),
    ],
)
def test_parse_date(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


@given(st.dates(min_value=date(1868, 1, 25), max_value=date(2099, 12, 31)))
def test_every_era_form_round_trips(d: date) -> None:
    era, year = to_era(d)
    y = "元" if year == 1 else str(year)
    forms = [f"{era}{y}年{d.month}月{d.day}日", f"{ERA_LETTER[era]}{year}.{d.month}.{d.day}",
             f"{era[0]}{year}/{d.month:02d}/{d.day:02d}", f"{d.year}/{d.month:02d}/{d.day:02d}"]
    for form in forms:
        assert parse_date(form) == d, form


@given(st.text(max_size=60))
def test_parse_date_never_raises(text: str) -> None:
    parse_date(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3450302", date(1970, 3, 2)),  # era code form: 3 = 昭和
        ("4010108", date(1989, 1, 8)),  # 平成元年1月8日
        ("5010501", date(2019, 5, 1)),
        ("3640108", None),  # 昭和64年1月8日 was already 平成
        ("6450302", None),  # no era 6
        ("昭和45年 3月 2日", date(1970, 3, 2)),
        ("S.45.3.2", date(1970, 3, 2)),
        ("昭和四十五年三月二日", date(1970, 3, 2)),
        ("平成十二年十二月二十日", date(2000, 12, 20)),
        ("令和元年五月一日", date(2019, 5, 1)),
    ],
)
def test_parse_date_municipal_forms(text: str, expected: date | None) -> None:
    assert parse_date(text) == expected


ERAS = ["明治", "大正", "昭和", "平成", "令和"]
# Era dates as lists write them, with the slips real files hold: 元年, 0 and leading zeros, days past a
# month's end, years past an era's end, and now and then another form or a stray character.
_plain = st.builds(lambda era, y, m, d, pad: f"{era}{y}年{m:0{pad}d}月{d:0{pad}d}日",
                   st.sampled_from(ERAS), st.one_of(st.just("元"), st.integers(0, 70).map(str),
                                                     st.integers(0, 9).map(lambda n: f"0{n}")),
                   st.integers(0, 13), st.integers(0, 32), st.sampled_from([1, 2]))
_cells = st.one_of(_plain, _plain.map(lambda s: s + "生"), _plain.map(lambda s: " " + s),
                   st.text(alphabet="昭和平成元年月日0123456789０１２３/.-SH ", max_size=14))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(_cells, st.none()), min_size=1, max_size=40))
def test_column_dates_are_the_cell_dates(cells: list[str | None]) -> None:
    expected = ["" if c is None or (d := parse_cell_date(c)) is None else d.isoformat() for c in cells]
    assert iso_dates(pl.Series(cells, dtype=pl.String)).to_list() == expected


@pytest.mark.parametrize("text", ["昭和64年1月7日", "昭和64年1月8日", "平成元年1月7日", "平成元年1月8日",
                                  "明治元年1月24日", "明治元年1月25日", "大正元年7月29日", "大正元年7月30日",
                                  "明治45年7月30日", "令和元年4月30日", "令和元年5月1日", "平成31年4月30日",
                                  "平成31年5月1日", "平成4年2月29日", "平成2年2月29日", "昭和0年1月1日"])
def test_column_dates_at_era_boundaries(text: str) -> None:
    expected = parse_cell_date(text)
    assert iso_dates(pl.Series([text])).to_list() == [expected.isoformat() if expected else ""]
