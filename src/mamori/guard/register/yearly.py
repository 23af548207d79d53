"""The yearly report (§6(2) of the city's measures): per department and for the whole city, for one fiscal
year (年度, April to March) — exports, the distinct people they carried, media lost or retired, changes to the
register, what the share scans found — and each head's sign-off, confirmed with their TOTP code."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone

from mamori.errors import InvalidTransition, PermissionDenied
from mamori.guard.accounts.models import Department, Role, User
from mamori.guard.accounts.services import check_totp
from mamori.guard.auditlog.services import record
from mamori.guard.exports.models import ExportRequest, Grant, RequestState
from mamori.guard.media.models import Medium, MediumState
from mamori.guard.register.compare import compare
from mamori.guard.register.models import EntryVersion, ExportPeople, ScannedFile, YearlySignOff
from mamori.guard.register.people import Record, pack, unpack
from mamori.people.dedupe import DistinctPeople


def fiscal_year_of(moment: datetime) -> int:
    """The 年度 a moment falls in (April 1 starts it), in the server's time zone."""
    local = timezone.localtime(moment)
    return local.year if local.month >= 4 else local.year - 1


def fiscal_bounds(year: int) -> tuple[datetime, datetime]:
    """From April 1 of `year` to April 1 of the next year (exclusive), in the server's time zone."""
    tz = timezone.get_current_timezone()
    return datetime(year, 4, 1, tzinfo=tz), datetime(year + 1, 4, 1, tzinfo=tz)


@dataclass(frozen=True)
class Figures:
    """One department's (or the city's) year in numbers."""

    requested: int
    approved: int
    rejected: int
    blocked: int
    written: int
    people_carried: int          # distinct people over the exports written (each person once)
    people_carried_sum: int      # the same exports' people added up (a person in two exports counted twice)
    special_care_exports: int
    media_lost: int
    media_retired: int
    register_created: int
    register_changed: int
    register_retired: int
    scanned_files: int
    pii_files: int
    special_care_files: int
    not_inspected_files: int
    uncovered_files: int
    entries_without_files: int
    special_care_mismatches: int

    def as_dict(self) -> dict[str, int]:
        return asdict(self)


def keep_people(request: ExportRequest, records: tuple[Record, ...]) -> None:
    """Store the keyed people of a scanned request (replacing an earlier scan's)."""
    ExportPeople.objects.update_or_create(request=request, defaults={"records": pack(records),
                                                                      "count": request.persons})


def _people(department: Department | None, start: datetime, end: datetime) -> tuple[int, int]:
    """Distinct people of the exports written in [start, end), and their plain sum.

    An export scanned before its people were kept (an older guard) adds its own count: it cannot be merged.
    """
    written = Grant.objects.filter(redeemed_at__gte=start, redeemed_at__lt=end)
    if department is not None:
        written = written.filter(request__department=department)
    people = DistinctPeople()
    total = unkeyed = 0
    for grant in written.select_related("request"):
        total += grant.request.persons
        stored = ExportPeople.objects.filter(request_id=grant.request_id).first()
        if stored is not None:
            people.add_all(tuple(unpack(bytes(stored.records))), stored.count or None)
        else:
            unkeyed += grant.request.persons
    return people.count + unkeyed, total


def figures(department: Department | None, year: int) -> Figures:
    """The figures of `department` (None: the whole city) for fiscal year `year`."""
    start, end = fiscal_bounds(year)
    scope = Q() if department is None else Q(department=department)
    made = ExportRequest.objects.filter(scope, created_at__gte=start, created_at__lt=end).aggregate(
        n_requested=Count("id"),
        n_approved=Count("id", filter=Q(state__in=(RequestState.APPROVED, RequestState.EXECUTED))),
        n_rejected=Count("id", filter=Q(state=RequestState.REJECTED)),
        n_blocked=Count("id", filter=Q(state=RequestState.BLOCKED)))
    grants = Grant.objects.filter(redeemed_at__gte=start, redeemed_at__lt=end)
    if department is not None:
        grants = grants.filter(request__department=department)
    written = grants.aggregate(n=Count("pk"), special=Count("pk", filter=Q(request__special_care=True)))
    people, total = _people(department, start, end)
    # A lost or retired medium stays so: its last change is when it was lost or retired.
    media = Medium.objects.filter(scope, changed_at__gte=start, changed_at__lt=end).aggregate(
        n_lost=Count("pk", filter=Q(state=MediumState.LOST)),
        n_retired=Count("pk", filter=Q(state=MediumState.RETIRED)))
    changes = EntryVersion.objects.filter(scope, changed_at__gte=start, changed_at__lt=end).aggregate(
        n_created=Count("pk", filter=Q(change="created")), n_changed=Count("pk", filter=Q(change="changed")),
        n_retired=Count("pk", filter=Q(change="retired")))
    files = ScannedFile.objects.filter(scope).aggregate(
        n=Count("pk"), with_pii=Count("pk", filter=Q(pii=True)),
        with_special=Count("pk", filter=Q(pii=True, special_care=True)),
        unread=Count("pk", filter=Q(pii__isnull=True)))
    departments = [department] if department is not None else list(Department.objects.all())
    comparisons = [compare(d) for d in departments]
    return Figures(
        requested=made["n_requested"], approved=made["n_approved"], rejected=made["n_rejected"],
        blocked=made["n_blocked"],
        written=written["n"], people_carried=people, people_carried_sum=total,
        special_care_exports=written["special"], media_lost=media["n_lost"], media_retired=media["n_retired"],
        register_created=changes["n_created"], register_changed=changes["n_changed"],
        register_retired=changes["n_retired"],
        scanned_files=files["n"], pii_files=files["with_pii"], special_care_files=files["with_special"],
        not_inspected_files=files["unread"], uncovered_files=sum(len(c.uncovered) for c in comparisons),
        entries_without_files=sum(len(c.without_files) for c in comparisons),
        special_care_mismatches=sum(len(c.special_care) for c in comparisons))


def digest_of(department: Department, year: int, values: dict[str, Any]) -> str:
    """SHA-256 of what was signed (canonical JSON), kept with the sign-off and in the audit entry."""
    canonical = json.dumps({"department": department.code, "fiscal_year": year, "figures": values},
                           sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def sign(actor: User, department: Department, year: int, code: str, ip: str = "") -> YearlySignOff:
    """The head signs the department's year with a fresh TOTP code; the figures signed are kept as they were."""
    if actor.role != Role.SECTION_HEAD or department.head_id != actor.pk or not actor.is_active:
        raise PermissionDenied("only the department's head signs its yearly report")
    if YearlySignOff.objects.filter(department=department, fiscal_year=year).exists():
        raise InvalidTransition(f"the report of {department.code} for fiscal year {year} is already signed")
    check_totp(actor, code, ip)
    values = figures(department, year).as_dict()
    digest = digest_of(department, year, values)
    try:
        with transaction.atomic():
            entry = record(actor.username, "report.yearly_signed", "department", department.pk,
                           department=department.code, fiscal_year=year, digest=digest, figures=values)
            return YearlySignOff.objects.create(department=department, fiscal_year=year, signed_by=actor,
                                                figures=values, digest=digest, audit_index=entry.index)
    except IntegrityError:
        raise InvalidTransition(f"the report of {department.code} for fiscal year {year} is already signed") from None
