"""The monthly report per department: exports, people carried, special-care exports, media not returned."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, Q, Sum
from django.utils import timezone

from mamori.guard.accounts.models import Department
from mamori.guard.exports.models import ExportRequest, Grant, RequestState
from mamori.guard.media.models import Medium, MediumState


@dataclass(frozen=True)
class MonthlyReport:
    """One department's month."""

    department: Department
    year: int
    month: int
    requested: int
    approved: int
    rejected: int
    blocked: int
    executed: int
    people_carried: int
    special_care_exports: int
    media_not_returned: tuple[Medium, ...]


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """Start and end (exclusive) of a month in the server's time zone."""
    tz = timezone.get_current_timezone()
    start = datetime(year, month, 1, tzinfo=tz)
    end = datetime(year + month // 12, month % 12 + 1, 1, tzinfo=tz)
    return start, end


def monthly_report(department: Department, year: int, month: int) -> MonthlyReport:
    """The figures of `department` for one month (people carried is a sum over exports, not de-duplicated)."""
    start, end = month_bounds(year, month)
    made = ExportRequest.objects.filter(department=department, created_at__gte=start, created_at__lt=end)
    counts = made.aggregate(
        requested=Count("id"),
        approved=Count("id", filter=Q(state__in=(RequestState.APPROVED, RequestState.EXECUTED))),
        rejected=Count("id", filter=Q(state=RequestState.REJECTED)),
        blocked=Count("id", filter=Q(state=RequestState.BLOCKED)),
    )
    executed = Grant.objects.filter(request__department=department, redeemed_at__gte=start, redeemed_at__lt=end)
    figures = executed.aggregate(n=Count("pk"), people=Sum("request__persons"),
                                 special=Count("pk", filter=Q(request__special_care=True)))
    media = Medium.objects.filter(department=department, state__in=(MediumState.LENT, MediumState.LOST))
    return MonthlyReport(
        department=department, year=year, month=month, requested=counts["requested"],
        approved=counts["approved"], rejected=counts["rejected"], blocked=counts["blocked"],
        executed=figures["n"], people_carried=figures["people"] or 0, special_care_exports=figures["special"],
        media_not_returned=tuple(media.select_related("holder")))
