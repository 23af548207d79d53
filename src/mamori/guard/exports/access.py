"""Who sees which requests, and which approval steps a user may take (role AND department)."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from mamori.guard.accounts.models import Role, User
from mamori.guard.exports.models import Approval, Decision, ExportRequest, RequestState, Step


def visible_requests(user: User) -> QuerySet[ExportRequest]:
    """Requests `user` may look at: their own; a head also their department's; admins and auditors all."""
    base = ExportRequest.objects.select_related("requester", "department", "medium")
    if not user.is_active:
        return base.none()
    if user.role in (Role.SECURITY_ADMIN, Role.AUDITOR):
        return base.all()
    if user.role == Role.SECTION_HEAD:
        return base.filter(Q(requester=user) | Q(department__head=user))
    return base.filter(requester=user)


def eligible_steps(user: User, request: ExportRequest) -> list[str]:
    """The approval steps `user` may take on `request` (empty for the requester themselves)."""
    if not user.is_active or user.pk == request.requester_id:
        return []
    steps: list[str] = []
    head_id = request.department.head_id
    if user.role == Role.SECTION_HEAD and head_id == user.pk:
        steps.append(Step.HEAD)
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


def approval_queue(user: User) -> list[ExportRequest]:
    """Pending requests waiting for a decision from `user`."""
    if user.role not in (Role.SECTION_HEAD, Role.SECURITY_ADMIN):
        return []
    pending = visible_requests(user).filter(state=RequestState.PENDING).exclude(requester=user)
    return [r for r in pending if open_steps(user, r)]
