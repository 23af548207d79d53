"""Japanese era (元号) arithmetic: Gregorian date → (era, year of era).

Era starts are the first day of each era as proclaimed. For 明治 we use 1868-10-23 (the
Gregorian date of the proclamation, 慶応4年9月8日), not the 1868-01-25 of tables that
back-date 明治元年 to the lunar new year; synthetic birth dates start in 1915, so the choice
only matters for callers formatting 19th-century dates.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from mamori.errors import ConfigError


@dataclass(frozen=True)
class Era:
    """One era: kanji name, one-letter abbreviation, numeric code used by municipal systems, start."""

    name: str  # 昭和
    letter: str  # S
    code: int  # 1=明治 … 5=令和 (the leading digit of 7-digit "3450302" style dates)
    start: date


ERAS: tuple[Era, ...] = (
    Era("明治", "M", 1, date(1868, 10, 23)),
    Era("大正", "T", 2, date(1912, 7, 30)),
    Era("昭和", "S", 3, date(1926, 12, 25)),
    Era("平成", "H", 4, date(1989, 1, 8)),
    Era("令和", "R", 5, date(2019, 5, 1)),
)


def era_of(day: date) -> tuple[Era, int]:
    """The era *day* falls in and its year within that era (1 = 元年)."""
    for era in reversed(ERAS):
        if day >= era.start:
            return era, day.year - era.start.year + 1
    raise ConfigError(f"{day.isoformat()} is before 明治 (1868-10-23); no Japanese era applies")
