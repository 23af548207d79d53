"""Redeeming a grant: the endpoint reports the export it executed; each grant works once, before expiry."""

from __future__ import annotations

import json
import uuid
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from mamori.errors import InvalidTransition, PermissionDenied, WorkflowError
from mamori.guard.auditlog.services import audit_log, record
from mamori.guard.exports.models import ExportRequest, Grant, RequestState


def active_grants(department_id: int | None) -> QuerySet[Grant]:
    """Unused, unexpired grants of approved requests (of one department, or all when None)."""
    grants = Grant.objects.filter(redeemed_at__isnull=True, expires_at__gt=timezone.now(),
                                  request__state=RequestState.APPROVED).select_related("request")
    return grants if department_id is None else grants.filter(request__department_id=department_id)


def grant_for(grant_id: str, department_id: int | None) -> Grant:
    """The grant `grant_id` if the caller's department may see it; PermissionDenied otherwise."""
    try:
        key = uuid.UUID(grant_id)
    except ValueError:
        raise PermissionDenied("no such grant") from None
    grant = Grant.objects.select_related("request", "request__medium").filter(pk=key).first()
    if grant is None or (department_id is not None and grant.request.department_id != department_id):
        raise PermissionDenied("no such grant")
    return grant


def _mismatch(grant_doc: dict[str, Any], report: dict[str, Any]) -> str | None:
    for name, limit in (("result", 100), ("executed_at", 40)):
        if name in report and (not isinstance(report[name], str) or len(report[name]) > limit):
            return f"{name} must be a string of at most {limit} characters"
    # Proof of what was written is required (a report without it would redeem the grant on trust).
    medium = report.get("medium")
    if medium is None:
        return "medium is required: the vendor_id, product_id and serial read from the medium written to"
    if medium != grant_doc["medium"]:
        return "the medium written to is not the medium of the grant"
    files = report.get("files")
    if files is None:
        return "files is required: the sha256 and size of every file written"
    if not isinstance(files, list) or not all(
            isinstance(f, dict) and isinstance(f.get("sha256"), str) and type(f.get("size")) is int
            and isinstance(f.get("name", ""), str) for f in files):
        return "files must be a list of {sha256: string, size: integer, name: string (optional)}"
    if sorted((f["sha256"], f["size"]) for f in files) != sorted((f["sha256"], f["size"]) for f in grant_doc["files"]):
        return "the files written are not the files of the grant"
    if all("name" in f for f in files) and (sorted(f["name"] for f in files)
                                            != sorted(f["name"] for f in grant_doc["files"])):
        return "the files written do not have the names of the grant's files"
    return None


def redeem(actor: str, grant: Grant, report: dict[str, Any], signature: str | None = None) -> dict[str, Any]:
    """Mark the grant used and the request executed; the answer holds the export's audit receipt.

    A `signature` (the endpoint's, over the report) is logged with the report so it can be re-checked later.
    """
    now = timezone.now()
    details = {"request_id": grant.request_id, "result": str(report.get("result", "ok"))[:100]}
    if grant.redeemed_at is not None:
        record(actor, "grant.reuse_refused", "grant", grant.pk, **details)
        raise InvalidTransition("this grant has already been used")
    if grant.expires_at <= now:
        record(actor, "grant.expired_refused", "grant", grant.pk, **details)
        raise InvalidTransition("this grant has expired")
    if grant.request.state != RequestState.APPROVED:
        record(actor, "grant.refused", "grant", grant.pk, state=grant.request.state, **details)
        raise InvalidTransition(f"the request is {grant.request.state}; the grant is no longer valid")
    problem = _mismatch(json.loads(grant.envelope)["grant"], report)
    if problem:
        record(actor, "export.mismatch", "grant", grant.pk, problem=problem, **details)
        raise WorkflowError(problem)
    with transaction.atomic():
        # The conditional update is the single-use guarantee, also under concurrent reports.
        if Grant.objects.filter(pk=grant.pk, redeemed_at__isnull=True).update(redeemed_at=now, redeemed_by=actor) != 1:
            raise InvalidTransition("this grant has already been used")
        ExportRequest.objects.filter(pk=grant.request_id).update(state=RequestState.EXECUTED)
        entry = record(actor, "export.executed", "grant", grant.pk, **details,
                       medium=report.get("medium"), executed_at=str(report.get("executed_at", ""))[:40],
                       **({} if signature is None else {"report": report, "report_signature": signature}))
        Grant.objects.filter(pk=grant.pk).update(audit_index=entry.index)
    receipt = audit_log().receipt(entry.index)
    return {"grant_id": str(grant.pk), "request_id": grant.request_id, "status": "executed",
            "audit_index": entry.index, "receipt": json.loads(receipt.to_json())}
