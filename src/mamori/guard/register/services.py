"""Keeping the register: who may see and change which department's entries; every change is a new version
and an audit entry; scanner tokens issued by the security administrator."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from mamori.detect.categories import CATEGORY_IDS
from mamori.errors import PermissionDenied, WorkflowError
from mamori.guard.accounts.models import Department, Role, User
from mamori.guard.accounts.services import require_role
from mamori.guard.api.services import token_hash
from mamori.guard.auditlog.services import record
from mamori.guard.organisation.models import Placement
from mamori.guard.register.models import COLUMNS, MACHINE_COLUMNS, EntryVersion, FileEntry, Form, ScannerToken

TOKEN_PREFIX = "mrs_"
EDITABLE = COLUMNS + MACHINE_COLUMNS
_REQUIRED = ("name", "organ", "purpose", "record_items", "record_scope", "collection", "disclosure_office")
MAX_LOCATIONS = 50


def visible_departments(user: User) -> QuerySet[Department]:
    """Every department for administrators and auditors; a head's own (and the units below a 部); one's own."""
    if user.role in (Role.SECURITY_ADMIN, Role.AUDITOR):
        return Department.objects.all()
    if user.role == Role.SECTION_HEAD:
        headed = list(Department.objects.filter(head=user).values_list("pk", flat=True))
        below = Placement.objects.filter(parent_id__in=headed).values_list("department_id", flat=True)
        return Department.objects.filter(pk__in=[*headed, *below])
    return Department.objects.filter(pk=user.department_id) if user.department_id else Department.objects.none()


def can_edit(user: User, department: Department) -> bool:
    """Administrators, and the head of the department (or of its 部)."""
    if not user.is_active:
        return False
    if user.role == Role.SECURITY_ADMIN:
        return True
    return user.role == Role.SECTION_HEAD and visible_departments(user).filter(pk=department.pk).exists()


def _require_edit(user: User, department: Department) -> None:
    if not can_edit(user, department):
        raise PermissionDenied("only the department's head or a security administrator changes its register")


def clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The editable columns, checked: required text present, known categories, location patterns."""
    out = {k: fields[k] for k in EDITABLE if k in fields}
    missing = [k for k in _REQUIRED if not str(out.get(k, "")).strip()]
    if missing:
        raise WorkflowError("fill in the register's columns: " + ", ".join(missing))
    if out.get("form", Form.ELECTRONIC) not in Form.values:
        raise WorkflowError("the form is either 'electronic' (電算処理) or 'manual' (マニュアル処理)")
    unknown = [c for c in out.get("categories", []) if c not in CATEGORY_IDS]
    if unknown:
        raise WorkflowError("unknown kinds of personal data: " + ", ".join(unknown))
    out["categories"] = [c for c in CATEGORY_IDS if c in set(out.get("categories", []))]
    locations = [str(p).strip() for p in out.get("locations", []) if str(p).strip()]
    if len(locations) > MAX_LOCATIONS or any(len(p) > 500 for p in locations):
        raise WorkflowError(f"at most {MAX_LOCATIONS} locations of up to 500 characters each")
    out["locations"] = locations
    for key in ("name", "organ", "disclosure_office"):
        out[key] = str(out[key]).strip()
    return out


def snapshot(entry: FileEntry) -> dict[str, Any]:
    """Every column of `entry` as JSON (what a version keeps)."""
    return {k: getattr(entry, k) for k in EDITABLE} | {"retired": entry.retired}


def _version(entry: FileEntry, actor: User, change: str, changed: list[str]) -> EntryVersion:
    return EntryVersion.objects.create(entry=entry, version=entry.version, department=entry.department,
                                       change=change, fields=snapshot(entry), changed_fields=changed,
                                       changed_by=actor)


def create_entry(actor: User, department: Department, **fields: Any) -> FileEntry:
    """A new entry (version 1) of `department`'s register."""
    _require_edit(actor, department)
    values = clean_fields(fields)
    with transaction.atomic():
        entry = FileEntry.objects.create(department=department, **values)
        _version(entry, actor, "created", sorted(values))
        record(actor.username, "register.entry_created", "register_entry", entry.pk, department=department.code,
               name=entry.name, version=1)
    return entry


def update_entry(actor: User, entry: FileEntry, **fields: Any) -> FileEntry:
    """Change columns of `entry`: a new version when anything changed (the old one is kept)."""
    _require_edit(actor, entry.department)
    if entry.retired:
        raise WorkflowError("this entry was retired; record a new one instead")
    merged = clean_fields(snapshot(entry) | {k: v for k, v in fields.items() if k in EDITABLE})
    changed = sorted(k for k in EDITABLE if merged[k] != getattr(entry, k))
    if not changed:
        return entry
    with transaction.atomic():
        locked = FileEntry.objects.select_for_update().get(pk=entry.pk)
        for key in changed:
            setattr(locked, key, merged[key])
        locked.version += 1
        locked.save()
        _version(locked, actor, "changed", changed)
        record(actor.username, "register.entry_changed", "register_entry", locked.pk,
               department=locked.department.code, version=locked.version, fields=changed)
    return locked


def retire_entry(actor: User, entry: FileEntry, reason: str) -> FileEntry:
    """The file is no longer kept (廃止): the entry stays, retired, with the reason in 備考."""
    _require_edit(actor, entry.department)
    if entry.retired:
        raise WorkflowError("this entry is already retired")
    if not reason.strip():
        raise WorkflowError("say why the file is no longer kept")
    with transaction.atomic():
        locked = FileEntry.objects.select_for_update().get(pk=entry.pk)
        locked.retired = True
        locked.remarks = (locked.remarks + "\n" if locked.remarks else "") + reason.strip()[:500]
        locked.version += 1
        locked.save()
        _version(locked, actor, "retired", ["remarks", "retired"])
        record(actor.username, "register.entry_retired", "register_entry", locked.pk,
               department=locked.department.code, version=locked.version)
    return locked


def issue_token(actor: User, department: Department, name: str) -> tuple[ScannerToken, str]:
    """A scanner token for `department` (shown once; only its hash is kept)."""
    require_role(actor, Role.SECURITY_ADMIN)
    name = name.strip()
    if not name or len(name) > 200:
        raise WorkflowError("name the scanner (e.g. the share it scans), up to 200 characters")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        scanner = ScannerToken.objects.create(department=department, name=name, token_hash=token_hash(token),
                                              issued_by=actor)
        record(actor.username, "register.token_issued", "scanner_token", scanner.pk, department=department.code,
               name=name)
    return scanner, token


def revoke_token(actor: User, scanner: ScannerToken) -> None:
    """The token stops working at once."""
    require_role(actor, Role.SECURITY_ADMIN)
    with transaction.atomic():
        ScannerToken.objects.filter(pk=scanner.pk).update(active=False)
        record(actor.username, "register.token_revoked", "scanner_token", scanner.pk,
               department=scanner.department.code)
