"""The column that dates each row of a table of people (申込日, 受付日, 参加日): the day its ages held.

A stated age tells namesakes apart only with the day it was true (``people.age``); in a list that
is the row's own date. The column must say so in its header (a word for a day, not a birth):
without a header an event date cannot be told from a birth date.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from mamori.detect.column_headers import EVENT_DATE, clean, header_kind

_DAY_WORD = re.compile(r"(?:日|日付|年月日|日時|DATE|DAY)$")
_BIRTH_WORDS = ("生年", "誕生", "生まれ", "BIRTH", "DOB")


def is_day_header(cell: str) -> bool:
    """A header naming the day of the row (申込日, 受付年月日, 日付) rather than a birth date."""
    text = clean(cell)
    if not text or any(w in text for w in _BIRTH_WORDS):
        return False
    kind = header_kind(cell)
    if kind:  # 受付日 is an event date; 曜日 (OTHER) or any personal kind is not
        return kind == EVENT_DATE
    return bool(_DAY_WORD.search(text))


def row_date_column(headers: Mapping[int, str]) -> int | None:
    """The first column (by index) whose header names the row's day, or None.

    Decided by the header alone, so every part of a split file picks the same column; a cell that
    is not a date simply dates nothing (``people.age.years_for``).
    """
    return next((i for i in sorted(headers) if is_day_header(headers[i])), None)
