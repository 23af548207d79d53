"""``{{ clock|clock_state:today }}`` and ``{{ clock|days_left:today }}`` for the incident pages."""

from __future__ import annotations

from datetime import date

from django import template

from mamori.guard.incidents.clocks import Clock

register = template.Library()


@register.filter
def clock_state(clock: Clock, today: date) -> str:
    """done / open / due_soon / overdue on `today`."""
    return clock.state(today).value


@register.filter
def days_left(clock: Clock, today: date) -> int:
    """Calendar days from `today` to the clock's due day (negative once overdue)."""
    return clock.days_left(today)
