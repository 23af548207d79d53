"""Who sees which requests, and which approval steps a user may take (role AND department)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from mamori.guard.accounts.models import Role, User
from mamori.guard.exports.models import Approval, Decision, ExportRequest, RequestState, Step
from mamori.guard.organisation.models import Placement
from mamori.guard.organisation.services import deputised_departments, deputises, escalation_head


def visible_requests(user: User) -> QuerySet[ExportRequest]:
    """Requests `user` may look at: their own; a head also their department's and the heads' own requests of the
    units below (escalation); a deputy those of the department they stand in for; admins and auditors all."""
    base = ExportRequest.objects.select_related("requester", "department", "medium")
    if not user.is_active:
        return base.none()
    if user.role in (Role.SECURITY_ADMIN, Role.AUDITOR):
        return base.all()
    mine = Q(requester=user) | Q(department_id__in=deputised_departments(user))
    if user.role == Role.SECTION_HEAD:
        below = Placement.objects.filter(parent__head=user).values_list("department_id", flat=True)
        mine |= Q(department__head=user) | Q(department_id__in=list(below))
    return base.filter(mine)


def eligible_steps(user: User, request: ExportRequest) -> list[str]:
    """The approval steps `user` may take on `request` (empty for the requester themselves)."""
    if not user.is_active or user.pk == request.requester_id:
        return []
    steps: list[str] = []
    head_id = request.department.head_id
    if head_id is not None and head_id != request.requester_id and acting_head(user, request) is not None:
        steps.append(Step.HEAD)
    elif head_id is not None and head_id == request.requester_id and escalation_head(request.department) == user:
        steps.append(Step.HEAD)  # a 課長's own request goes up to the 部長
    if user.role == Role.SECURITY_ADMIN:
        # When the head asks for their own export, a security administrator takes the head's step.
        if head_id is None or head_id == request.requester_id:
            steps.append(Step.HEAD)
        if request.needs_admin:
            steps.append(Step.ADMIN)
    return steps


def open_steps(user: User, request: ExportRequest) -> list[str]:
    """Eligible steps not yet decided for the current version, when `user` has not decided it already."""
    if request.state != RequestState.PENDING:
        return []
    current = Approval.objects.filter(request=request, void=False, binding_digest=request.binding_digest)
    if current.filter(approver=user).exists():
        return []
    done = set(current.filter(decision=Decision.APPROVE).values_list("step", flat=True))
    return [s for s in eligible_steps(user, request) if s not in done]


def acting_head(user: User, request: ExportRequest) -> User | None:
    """The head in whose name `user` takes the head's step: themselves, or the head they deputise for today."""
    department = request.department
    if user.role == Role.SECTION_HEAD and department.head_id == user.pk:
        return user
    if department.head is not None and deputises(user, department):
        return department.head
    return None


def approval_queue(user: User) -> list[ExportRequest]:
    """Pending requests waiting for a decision from `user`."""
    if user.role not in (Role.SECTION_HEAD, Role.SECURITY_ADMIN) and not deputised_departments(user):
        return []
    pending = visible_requests(user).filter(state=RequestState.PENDING).exclude(requester=user)
    return [r for r in pending if open_steps(user, r)]
