"""Approving and rejecting: TOTP at that moment, integrity re-checked, grant issued when complete."""

from __future__ import annotations

import secrets
import uuid

from django.db import transaction
from django.utils import timezone

from mamori.errors import InvalidTransition, PermissionDenied, WorkflowError
from mamori.guard.accounts.models import Role, User
from mamori.guard.accounts.services import check_totp
from mamori.guard.auditlog.services import current_home, record
from mamori.guard.exports.access import acting_head, eligible_steps
from mamori.guard.exports.binding import binding_of, changed_files, current_digest, files_of
from mamori.guard.exports.grants import grant_signer, sign_grant, utc_iso
from mamori.guard.exports.models import Approval, Decision, ExportRequest, Grant, RequestState, Step
from mamori.i18n import said


def _void(request: ExportRequest, actor: User, why: str, **details: object) -> None:
    with transaction.atomic():
        locked = ExportRequest.objects.select_for_update().get(pk=request.pk)
        if locked.state in (RequestState.PENDING, RequestState.APPROVED):
            locked.state = RequestState.VOIDED
            locked.decided_at = timezone.now()
            locked.save(update_fields=["state", "decided_at"])
            Approval.objects.filter(request=locked, void=False).update(void=True)
            Grant.objects.filter(request=locked, redeemed_at__isnull=True).update(expires_at=timezone.now())
        record(actor.username, "export.voided", "export_request", request.pk, why=why, **details)


def _check_integrity(request: ExportRequest, actor: User) -> None:
    """Void the request and refuse when its files or its bound facts changed since submission."""
    changed = changed_files(current_home(), request)
    if changed:
        _void(request, actor, "files changed after submission", files=changed)
        raise WorkflowError("the files changed after submission ("
                            + ", ".join(changed) + "): the request is void; submit it again")
    if current_digest(request) != request.binding_digest:
        _void(request, actor, "binding changed outside the workflow")
        raise WorkflowError(said("error.exports.request_was_altered_outside"))


def _capacity(user: User, request: ExportRequest, step: str) -> dict[str, str]:
    """In what capacity `user` gave the head's step: as the head's deputy, or as the head above (escalation)."""
    if step != Step.HEAD or request.department.head_id == user.pk:
        return {}
    acting = acting_head(user, request)
    if acting is not None and acting.pk != user.pk:
        return {"as_deputy_for": acting.username}
    if request.department.head_id == request.requester_id and user.role == Role.SECTION_HEAD:
        return {"escalated_from": request.department.code}
    return {}


def decide(user: User, request: ExportRequest, decision: str, code: str, reason: str = "",
           step: str | None = None) -> ExportRequest:
    """Record `user`'s approval or rejection (with a fresh TOTP code); issue the grant once complete."""
    if decision not in Decision.values:
        raise WorkflowError(said("error.exports.decision_one", value1=', '.join(Decision.values)))
    reason = reason.strip()
    if decision == Decision.REJECT and not reason:
        raise WorkflowError(said("error.exports.rejection_needs_reason"))
    if len(reason) > 2000:
        raise WorkflowError(said("error.exports.reason_at_most_2000"))
    if user.pk == request.requester_id:
        record(user.username, "approval.refused", "export_request", request.pk, why="own request")
        raise PermissionDenied(said("error.exports.nobody_approves_their_own"))
    steps = eligible_steps(user, request)
    if not steps:
        record(user.username, "approval.refused", "export_request", request.pk, why="not an approver")
        raise PermissionDenied(said("error.exports.you_are_not_approver"))
    if request.state != RequestState.PENDING:
        raise InvalidTransition(said("error.exports.request_there_nothing_decide",
                                     state=said(f"code.request.{request.state}")))
    check_totp(user, code)  # committed on its own: a used code stays used, a failure counts
    _check_integrity(request, user)
    with transaction.atomic():
        request = ExportRequest.objects.select_for_update().select_related("department").get(pk=request.pk)
        if request.state != RequestState.PENDING:
            raise InvalidTransition(said("error.exports.request_there_nothing_decide",
                                         state=said(f"code.request.{request.state}")))
        current = Approval.objects.filter(request=request, void=False, binding_digest=request.binding_digest)
        if current.filter(approver=user).exists():
            raise PermissionDenied(said("error.exports.you_have_already_decided"))
        done = set(current.filter(decision=Decision.APPROVE).values_list("step", flat=True))
        open_steps = [s for s in steps if s not in done]
        if step is not None and step not in open_steps:
            raise PermissionDenied(said("error.exports.you_cannot_give_step", step=said(f"code.step.{step}")))
        if not open_steps:
            raise InvalidTransition(said("error.exports.every_step_you_give"))
        chosen = step or open_steps[0]
        Approval.objects.create(request=request, approver=user, step=chosen, decision=decision, reason=reason,
                                binding_digest=request.binding_digest)
        record(user.username, f"export.{'approved' if decision == Decision.APPROVE else 'rejected'}",
               "export_request", request.pk, step=chosen, reason=reason, binding=request.binding_digest,
               **_capacity(user, request, chosen))
        if decision == Decision.REJECT:
            request.state = RequestState.REJECTED
            request.decided_at = timezone.now()
            request.save(update_fields=["state", "decided_at"])
            return request
        needed = {Step.HEAD} | ({Step.ADMIN} if request.needs_admin else set())
        if needed <= done | {chosen}:
            _issue_grant(request)
    return request


def _issue_grant(request: ExportRequest) -> Grant:
    """Sign the grant for a fully approved request (inside the caller's transaction)."""
    now = timezone.now()
    grant_id, nonce = uuid.uuid4(), secrets.token_hex(16)
    document = binding_of(request, files_of(request))
    document.update({"grant_id": str(grant_id), "nonce": nonce, "issued_at": utc_iso(now)})
    envelope = sign_grant(document, grant_signer(current_home()))
    grant = Grant.objects.create(id=grant_id, request=request, nonce=nonce, envelope=envelope, issued_at=now,
                                 expires_at=request.expires_at)
    request.state = RequestState.APPROVED
    request.decided_at = now
    request.save(update_fields=["state", "decided_at"])
    record("system", "grant.issued", "grant", grant_id, request_id=request.pk, nonce=nonce,
           expires_at=document["expires_at"], binding=request.binding_digest)
    return grant
