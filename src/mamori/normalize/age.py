"""A stated age as the birth years it allows: 62 on 2015-06-01 means born in 1952 or 1953.

An age holds on the day it was written down, which only a date in the same row says (申込日,
受付日). Without a date in the row the age says nothing here: a file's time is when it was last
saved, not when its ages were true. No year of slack is added for ages counted at another reference
day (the end of the fiscal year): in a big city every extra year lets a stranger of the same name in,
and the forms this reads state the age on the day of the row.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

#: Years allowed beyond the two an age on a known day gives (see above for why none).
SLACK_YEARS = 0
_MAX_AGE = 120
_AGE = re.compile(r"(?:満|年齢[:\s]*)?\s*(\d{1,3})(?:\.0+)?\s*(?:歳|才)?(?:\s*\d{1,2}\s*(?:か|ヶ|ケ|カ|箇)?月)?")


def parse_age(text: str) -> int | None:
    """The age *text* states (62, ６２歳, 満62才, 1歳6か月, 62.0), or None when it is not one age in 0–120."""
    m = _AGE.fullmatch(unicodedata.normalize("NFKC", text).strip())
    if m is None:
        return None
    age = int(m.group(1))
    return age if age <= _MAX_AGE else None


def birth_years(age: int, on: date) -> tuple[int, ...]:
    """The birth years of someone said to be *age* years old on *on* (with the slack above)."""
    if not 0 <= age <= _MAX_AGE:
        return ()
    # Not yet had this year's birthday: born the year before.
    return tuple(range(on.year - age - 1 - SLACK_YEARS, on.year - age + 1 + SLACK_YEARS))


def years_for(age_text: str, row_date: date | None) -> tuple[int, ...]:
    """Birth years for an age cell and the date of its row; () when either is missing."""
    age = parse_age(age_text) if age_text and row_date is not None else None
    return () if age is None or row_date is None else birth_years(age, row_date)
