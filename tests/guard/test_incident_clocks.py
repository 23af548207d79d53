"""The PPC clocks counted as the rules count them: 30 (60) days, the day known not counted, closed days skipped."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mamori.guard.incidents.clocks import (
    JAPAN,
    ClockState,
    Reason,
    clocks,
    final_deadline,
    is_closed_day,
    known_on,
    report_reasons,
)


@pytest.mark.parametrize(("known", "wrongful", "due"), [
    (date(2026, 4, 1), False, date(2026, 5, 1)),    # Wed + 30 days = Fri 1 May, an open day
    (date(2026, 4, 3), False, date(2026, 5, 7)),    # 3 May (Sun) … 6 May (振替休日) closed: Thu 7 May
    (date(2026, 4, 10), False, date(2026, 5, 11)),  # Sun 10 May → Mon 11 May
    (date(2026, 12, 1), False, date(2027, 1, 4)),   # 31 Dec – 3 Jan are closed: Mon 4 Jan
    (date(2026, 4, 1), True, date(2026, 6, 1)),     # wrongful purpose: 60 days → Sun 31 May → Mon 1 Jun
    (date(2026, 8, 11), False, date(2026, 9, 10)),  # known on a holiday (山の日): counting starts the next day
])
def test_final_deadline(known: date, wrongful: bool, due: date) -> None:
    assert final_deadline(known, wrongful_purpose=wrongful) == due


@pytest.mark.parametrize(("day", "closed"), [
    (date(2026, 1, 2), True), (date(2026, 12, 29), True), (date(2026, 12, 28), False), (date(2026, 1, 12), True),
    (date(2026, 11, 3), True), (date(2026, 11, 4), False), (date(2026, 11, 7), True), (date(2026, 5, 6), True),
])
def test_closed_days(day: date, closed: bool) -> None:
    assert is_closed_day(day) is closed


def test_the_day_known_is_the_day_in_japan() -> None:
    late_utc = datetime(2026, 3, 31, 16, 0, tzinfo=UTC)  # 1 April 01:00 in Japan
    assert known_on(late_utc) == date(2026, 4, 1)
    assert known_on(datetime(2026, 4, 1, 23, 59)) == date(2026, 4, 1)  # naive: taken as Japan time
    preliminary, final = clocks(late_utc, wrongful_purpose=False)
    assert (preliminary.earliest_target, preliminary.due, preliminary.legal) == (date(2026, 4, 4), date(2026, 4, 6),
                                                                                   False)
    assert (final.due, final.legal) == (date(2026, 5, 1), True)


def test_clock_states() -> None:
    known = datetime(2026, 4, 1, 9, 0, tzinfo=JAPAN)
    _, final = clocks(known, wrongful_purpose=False)
    assert final.state(date(2026, 4, 20)) is ClockState.OPEN
    assert final.state(date(2026, 4, 29)) is ClockState.DUE_SOON
    assert final.state(date(2026, 5, 2)) is ClockState.OVERDUE and final.days_left(date(2026, 5, 2)) == -1
    _, late = clocks(known, wrongful_purpose=False, final_done=datetime(2026, 5, 2, 10, 0, tzinfo=JAPAN))
    assert late.state(date(2026, 5, 2)) is ClockState.DONE and late.met() is False
    _, on_time = clocks(known, wrongful_purpose=False, final_done=datetime(2026, 5, 1, 16, 0, tzinfo=JAPAN))
    assert on_time.met() is True


@pytest.mark.parametrize(("people", "flags", "reasons"), [
    (100, {}, ()),
    (101, {}, (Reason.MANY_PEOPLE,)),
    (None, {}, ()),
    (1, {"special_care": True}, (Reason.SPECIAL_CARE,)),
    (3, {"property_damage": True, "wrongful_purpose": True}, (Reason.PROPERTY_DAMAGE, Reason.WRONGFUL_PURPOSE)),
])
def test_when_a_report_is_due(people: int | None, flags: dict[str, bool], reasons: tuple[Reason, ...]) -> None:
    args = {"special_care": False, "property_damage": False, "wrongful_purpose": False} | flags
    assert report_reasons(people=people, **args) == reasons


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31)), st.booleans())
def test_deadline_is_the_first_open_day_from_day_30(known: date, wrongful: bool) -> None:
    due = final_deadline(known, wrongful_purpose=wrongful)
    day_n = known + timedelta(days=60 if wrongful else 30)
    assert due >= day_n and not is_closed_day(due)
    assert all(is_closed_day(day_n + timedelta(days=i)) for i in range((due - day_n).days))
