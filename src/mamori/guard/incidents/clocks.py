"""The deadlines of a leak report to the Personal Information Protection Commission (PPC), counted as the law counts.

- When a report is due (個人情報保護法 第68条 for public bodies, 第26条 for businesses): special-care data, risk
  of property damage, a suspected wrongful purpose, or more people than the threshold — over 100 for public bodies
  such as a city (個人情報保護法施行規則 第43条第4号), over 1,000 for businesses (同 第7条第4号).
- 速報 (preliminary report): "速やかに" after the body knew of the event (施行規則 第44条第1項 / 第8条第1項); the PPC's
  guidelines put it at roughly 3 to 5 days from then (「個人情報の保護に関する法律についてのガイドライン」, 速報の
  時間的制限). Shown as a target, not a legal deadline.
- 確報 (final report): within 30 days of knowing, 60 days when a wrongful purpose is suspected (施行規則 第44条第2項
  / 第8条第2項). The day the body knew is not counted (民法 第140条, 初日不算入); a deadline falling on a day the
  administration is closed — Saturday, Sunday, a national holiday, 29 December to 3 January — moves to the next
  open day (行政機関の休日に関する法律 第1条・第2条: the report is an act towards the PPC, a national body).

Days are calendar days in Japan time, whatever zone the moment was recorded in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

import jpholiday

JAPAN = ZoneInfo("Asia/Tokyo")
PUBLIC_BODY_THRESHOLD = 100
BUSINESS_THRESHOLD = 1000
FINAL_DAYS = 30
FINAL_DAYS_WRONGFUL = 60
PRELIMINARY_TARGET_DAYS = (3, 5)
_NEW_YEAR_CLOSURE = {(12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3)}


class Reason(StrEnum):
    """Why an event must be reported (the four cases of the rules)."""

    SPECIAL_CARE = "special_care"
    PROPERTY_DAMAGE = "property_damage"
    WRONGFUL_PURPOSE = "wrongful_purpose"
    MANY_PEOPLE = "many_people"


def report_reasons(*, special_care: bool, property_damage: bool, wrongful_purpose: bool, people: int | None,
                   threshold: int = PUBLIC_BODY_THRESHOLD) -> tuple[Reason, ...]:
    """The reasons that make a report to the PPC mandatory; empty when none applies (yet)."""
    reasons = []
    if special_care:
        reasons.append(Reason.SPECIAL_CARE)
    if property_damage:
        reasons.append(Reason.PROPERTY_DAMAGE)
    if wrongful_purpose:
        reasons.append(Reason.WRONGFUL_PURPOSE)
    if people is not None and people > threshold:
        reasons.append(Reason.MANY_PEOPLE)
    return tuple(reasons)


def is_closed_day(day: date) -> bool:
    """Saturday, Sunday, a national holiday or the New Year closure (29 December – 3 January)."""
    return day.weekday() >= 5 or (day.month, day.day) in _NEW_YEAR_CLOSURE or jpholiday.is_holiday(day)


def known_on(moment: datetime) -> date:
    """The calendar day in Japan on which the body knew (a naive moment is taken as Japan time)."""
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=JAPAN)
    return aware.astimezone(JAPAN).date()


def final_deadline(known: date, *, wrongful_purpose: bool) -> date:
    """The last day for the final report: day 30 (60) after the day known, moved past closed days."""
    due = known + timedelta(days=FINAL_DAYS_WRONGFUL if wrongful_purpose else FINAL_DAYS)
    while is_closed_day(due):
        due += timedelta(days=1)
    return due


class ClockState(StrEnum):
    DONE = "done"
    OPEN = "open"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"


@dataclass(frozen=True)
class Clock:
    """One report's clock: from when, until when, and whether it was met."""

    kind: str  # "preliminary" | "final"
    due: date
    earliest_target: date | None
    done_on: date | None
    legal: bool  # a deadline in the rules (final) or the guideline's target (preliminary)

    def state(self, today: date) -> ClockState:
        if self.done_on is not None:
            return ClockState.DONE
        if today > self.due:
            return ClockState.OVERDUE
        if (self.due - today).days <= 2:
            return ClockState.DUE_SOON
        return ClockState.OPEN

    def days_left(self, today: date) -> int:
        return (self.due - today).days

    def met(self) -> bool | None:
        """Whether the report was made in time; None while it has not been made."""
        return None if self.done_on is None else self.done_on <= self.due


def clocks(known_at: datetime, *, wrongful_purpose: bool, preliminary_done: datetime | None = None,
           final_done: datetime | None = None) -> tuple[Clock, Clock]:
    """The preliminary and final report clocks of an event the body knew of at `known_at`."""
    known = known_on(known_at)
    first, last = PRELIMINARY_TARGET_DAYS
    preliminary = Clock("preliminary", known + timedelta(days=last), known + timedelta(days=first),
                        known_on(preliminary_done) if preliminary_done else None, legal=False)
    final = Clock("final", final_deadline(known, wrongful_purpose=wrongful_purpose), None,
                  known_on(final_done) if final_done else None, legal=True)
    return preliminary, final
