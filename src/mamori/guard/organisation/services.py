"""Setting the hierarchy and deputies (audited), and the questions approvals ask of them."""

from __future__ import annotations

from datetime import date

from django.db import transaction
from django.utils import timezone

from mamori.errors import PermissionDenied, WorkflowError
from mamori.guard.accounts.models import Department, Role, User
from mamori.guard.auditlog.services import record
from mamori.guard.organisation.models import Deputy, Level, Placement
from mamori.i18n import said

MAX_DEPUTY_DAYS = 366


def parent_of(department: Department) -> Department | None:
    placement = Placement.objects.filter(department=department).select_related("parent").first()
    return placement.parent if placement is not None else None


def set_parent(actor: User, department: Department, parent: Department | None, level: str) -> Placement:
    """Place `department` under `parent` (security administrators); a loop in the hierarchy is refused."""
    if actor.role != Role.SECURITY_ADMIN:
        raise PermissionDenied(said("error.organisation.only_security_administrator_changes"))
    if level not in Level.values:
        raise WorkflowError(said("error.organisation.level_one", value1=', '.join(Level.values)))
    seen = {department.pk}
    above = parent
    while above is not None:
        if above.pk in seen:
            raise WorkflowError(said("error.organisation.below_hierarchy_cannot_loop", parent=str(parent),
                                     department=str(department)))
        seen.add(above.pk)
        above = parent_of(above)
    with transaction.atomic():
        placement, _ = Placement.objects.update_or_create(department=department,
                                                          defaults={"parent": parent, "level": level})
        record(actor.username, "department.placed", "department", department.pk,
               parent=parent.code if parent else None, level=level)
    return placement


def appoint_deputy(actor: User, department: Department, deputy: User, starts_on: date, ends_on: date,
                   reason: str = "") -> Deputy:
    """Let `deputy` approve for `department`'s head in a period (the head or a security administrator)."""
    if actor.role != Role.SECURITY_ADMIN and department.head_id != actor.pk:
        raise PermissionDenied(said("error.organisation.deputy_appointed_by_department"))
    if deputy.pk == department.head_id or not deputy.is_active:
        raise WorkflowError(said("error.organisation.deputy_active_user_other"))
    if not deputy.totp_secret:
        raise WorkflowError(said("error.organisation.has_no_two_factor", username=deputy.username))
    if ends_on < starts_on or (ends_on - starts_on).days > MAX_DEPUTY_DAYS:
        raise WorkflowError(said("error.organisation.period_runs_forward_at", max_deputy_days=MAX_DEPUTY_DAYS))
    if ends_on < timezone.localdate():
        raise WorkflowError(said("error.organisation.period_has_already_ended"))
    with transaction.atomic():
        appointed = Deputy.objects.create(department=department, deputy=deputy, starts_on=starts_on,
                                          ends_on=ends_on, reason=reason.strip()[:300], appointed_by=actor)
        record(actor.username, "deputy.appointed", "department", department.pk, deputy=deputy.username,
               starts_on=starts_on.isoformat(), ends_on=ends_on.isoformat())
    return appointed


def revoke_deputy(actor: User, appointment: Deputy) -> None:
    if actor.role != Role.SECURITY_ADMIN and appointment.department.head_id != actor.pk:
        raise PermissionDenied(said("error.organisation.deputy_revoked_by_department"))
    with transaction.atomic():
        Deputy.objects.filter(pk=appointment.pk).update(revoked=True)
        record(actor.username, "deputy.revoked", "department", appointment.department_id,
               deputy=appointment.deputy.username)


def deputises(user: User, department: Department, day: date | None = None) -> bool:
    """Whether `user` is `department`'s head's deputy on `day` (today by default)."""
    day = day or timezone.localdate()
    return Deputy.objects.filter(department=department, deputy=user, revoked=False, starts_on__lte=day,
                                 ends_on__gte=day).exists()


def deputised_departments(user: User, day: date | None = None) -> list[int]:
    day = day or timezone.localdate()
    return list(Deputy.objects.filter(deputy=user, revoked=False, starts_on__lte=day, ends_on__gte=day)
                .values_list("department_id", flat=True))


def escalation_head(department: Department) -> User | None:
    """The head of the unit above (the 部長 over a 課), who approves when the 課長 is the requester."""
    parent = parent_of(department)
    return parent.head if parent is not None and parent.head is not None and parent.head.is_active else None
