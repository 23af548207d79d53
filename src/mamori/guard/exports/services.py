"""Submitting, amending and withdrawing export requests; what is submitted is queued for the scan worker."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from mamori.errors import InvalidTransition, PermissionDenied, WorkflowError
from mamori.guard.accounts.models import Role, User
from mamori.guard.auditlog.services import current_home, record
from mamori.guard.exports import jobs, storage
from mamori.guard.exports.binding import current_digest
from mamori.guard.exports.models import Approval, ExportFile, ExportRequest, RequestState
from mamori.guard.exports.policy import load_policy
from mamori.guard.media.models import Medium
from mamori.guard.media.services import check_exportable
from mamori.i18n import said


@dataclass(frozen=True)
class Upload:
    """One file as received: its name and its bytes in chunks."""

    name: str
    chunks: Iterable[bytes]


def _check_terms(purpose: str, recipient: str, expires_at: datetime, max_days: int) -> tuple[str, str]:
    purpose, recipient = purpose.strip(), recipient.strip()
    if not purpose or len(purpose) > 2000:
        raise WorkflowError(said("error.exports.state_purpose_export_at"))
    if not recipient or len(recipient) > 300:
        raise WorkflowError(said("error.exports.state_who_receives_data"))
    if timezone.is_naive(expires_at):
        raise WorkflowError(said("error.exports.expiry_needs_time_zone"))
    now = timezone.now()
    if expires_at <= now:
        raise WorkflowError(said("error.exports.expiry_in_future"))
    if expires_at > now + timedelta(days=max_days):
        raise WorkflowError(said("error.exports.expiry_at_most_days", max_days=max_days))
    return purpose, recipient


def _check_requester(user: User) -> None:
    if not user.is_active or user.role == Role.AUDITOR:
        raise PermissionDenied(said("error.exports.auditors_inactive_users_cannot"))
    if user.department_id is None:
        raise PermissionDenied(said("error.exports.only_members_department_request"))


def submit(user: User, uploads: Sequence[Upload], medium: Medium, purpose: str, recipient: str,
           expires_at: datetime) -> ExportRequest:
    """Store the files and create the request; a background worker scans it (see jobs.py) and moves it on."""
    _check_requester(user)
    check_exportable(user, medium)
    home, policy = current_home(), load_policy(current_home())
    purpose, recipient = _check_terms(purpose, recipient, expires_at, policy.max_days)
    if not uploads or len(uploads) > settings.MAMORI_MAX_FILES:
        raise WorkflowError(said("error.exports.attach_between_1_files", mamori_max_files=settings.MAMORI_MAX_FILES))
    stored: list[storage.StoredFile] = []
    try:
        budget = settings.MAMORI_MAX_UPLOAD_BYTES
        for upload in uploads:
            kept = storage.store(home, upload.name, upload.chunks, budget)
            budget -= kept.size
            stored.append(kept)
        with transaction.atomic():
            request = ExportRequest.objects.create(
                requester=user, department_id=user.department_id, medium=medium, purpose=purpose,
                recipient=recipient, expires_at=expires_at, state=RequestState.SCANNING)
            files = [ExportFile.objects.create(
                request=request, position=position, name=kept.name, stored_name=kept.stored_name, size=kept.size,
                sha256=kept.sha256, status="queued", pii=None) for position, kept in enumerate(stored)]
            request.binding_digest = current_digest(request)
            request.save(update_fields=["binding_digest"])
            job = jobs.enqueue(request, files)
            record(user.username, "export.requested", "export_request", request.pk,
                   medium=medium.identity(), purpose=purpose, recipient=recipient,
                   expires_at=expires_at.isoformat(), binding=request.binding_digest,
                   files=[{"name": s.name, "sha256": s.sha256, "size": s.size} for s in stored])
    except BaseException:
        storage.remove(home, (s.stored_name for s in stored))
        raise
    if settings.MAMORI_SCAN_INLINE:
        jobs.run_now(job.pk)
        request.refresh_from_db()
    return request


def amend(user: User, request: ExportRequest, *, medium: Medium | None = None, purpose: str | None = None,
          recipient: str | None = None, expires_at: datetime | None = None) -> ExportRequest:
    """Change the binding of a pending request: every approval given so far becomes void."""
    if user.pk != request.requester_id:
        raise PermissionDenied(said("error.exports.only_requester_change_request"))
    policy = load_policy(current_home())
    with transaction.atomic():
        request = ExportRequest.objects.select_for_update().get(pk=request.pk)
        if request.state != RequestState.PENDING:
            raise InvalidTransition(said("error.exports.request_that_cannot_changed",
                                         state=said(f"code.request.{request.state}")))
        if medium is not None:
            check_exportable(user, medium)
            request.medium = medium
        request.purpose, request.recipient = _check_terms(
            request.purpose if purpose is None else purpose, request.recipient if recipient is None else recipient,
            request.expires_at if expires_at is None else expires_at, policy.max_days)
        if expires_at is not None:
            request.expires_at = expires_at
        old = request.binding_digest
        request.binding_digest = current_digest(request)
        request.version += 1
        request.save()
        voided = Approval.objects.filter(request=request, void=False).update(void=True)
        record(user.username, "export.amended", "export_request", request.pk, old_binding=old,
               binding=request.binding_digest, version=request.version, approvals_voided=voided)
    return request


def withdraw(user: User, request: ExportRequest) -> ExportRequest:
    """The requester takes back a request that is not executed yet."""
    if user.pk != request.requester_id:
        raise PermissionDenied(said("error.exports.only_requester_withdraw_request"))
    with transaction.atomic():
        request = ExportRequest.objects.select_for_update().get(pk=request.pk)
        if request.state not in (RequestState.SCANNING, RequestState.PENDING, RequestState.APPROVED):
            raise InvalidTransition(said("error.exports.request_that_cannot_withdrawn",
                                         state=said(f"code.request.{request.state}")))
        request.state = RequestState.WITHDRAWN
        request.decided_at = timezone.now()
        request.save(update_fields=["state", "decided_at"])
        record(user.username, "export.withdrawn", "export_request", request.pk)
    return request
