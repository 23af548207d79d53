"""Which column dates the rows of a table (detect/row_dates.py)."""

from __future__ import annotations

import pytest

from mamori.detect.row_dates import is_day_header, row_date_column


@pytest.mark.parametrize(
    ("header", "day"),
    [("申込日", True), ("受付日", True), ("参加日", True), ("申込年月日", True), ("日付", True), ("来庁日時", True),
     ("記入日", True), ("Date", True), ("ＤＡＴＥ", True), ("生年月日", False), ("誕生日", False), ("Birth date", False),
     ("年齢", False), ("氏名", False), ("", False), ("曜日", False)],
)
def test_is_day_header(header: str, day: bool) -> None:
    assert is_day_header(header) is day


def test_the_first_day_column_wins() -> None:
    headers = {0: "受付番号", 3: "生年月日", 1: "申込日", 2: "氏名", 4: "参加日"}
    assert row_date_column(headers) == 1
    assert row_date_column({0: "氏名", 1: "生年月日", 2: "曜日"}) is None
    assert row_date_column({}) is None
