"""Scan results pushed by ``mamori find --push``: checked field by field, stored as facts, idempotent per batch."""

from __future__ import annotations

import hashlib
import hmac
import json
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mamori.detect.categories import CATEGORY_IDS
from mamori.errors import InvalidTransition, PermissionDenied, WorkflowError
from mamori.guard.api.services import bearer_digest
from mamori.guard.auditlog.services import record
from mamori.guard.register.models import ScanBatch, ScannedFile, ScannerToken
from mamori.models import Status

MAX_ITEMS = 5000
STATUSES = tuple(s.value for s in Status)
#: Keys that would carry values out of the scanned files: a client that sends them is refused.
_VALUE_KEYS = ("samples", "value", "values", "person_keys")
_CATEGORIES = frozenset(CATEGORY_IDS)


def authenticate(authorization: str | None) -> ScannerToken:
    """The active scanner whose bearer token this header carries; 401/403 errors otherwise."""
    digest = bearer_digest(authorization)
    scanner = ScannerToken.objects.select_related("department").filter(token_hash=digest, active=True).first()
    if scanner is None or not hmac.compare_digest(scanner.token_hash, digest):
        raise PermissionDenied("the scanner token is not valid (revoked, or never issued)")
    return scanner


def _text(item: dict[str, Any], key: str, limit: int, required: bool = False) -> str:
    value = item.get(key)
    if value is None and not required:
        return ""
    if not isinstance(value, str) or (required and not value) or len(value) > limit or "\x00" in value:
        raise WorkflowError(f"'{key}' must be {'a non-empty' if required else 'a'} text of at most {limit} "
                            "characters")
    return value


def _count(item: dict[str, Any], key: str) -> int:
    value = item.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > 2**62:
        raise WorkflowError(f"'{key}' must be a whole number ≥ 0")
    return value


def clean_item(item: Any, index: int) -> dict[str, Any]:
    """One item of a batch as the fields stored; WorkflowError naming the item and field otherwise."""
    try:
        if not isinstance(item, dict):
            raise WorkflowError("an item is a JSON object")
        if any(k in item for k in _VALUE_KEYS):
            raise WorkflowError("values (samples, keys) are never accepted: send the contract's facts only")
        status = item.get("status")
        if status not in STATUSES:
            raise WorkflowError(f"'status' must be one of {', '.join(STATUSES)}")
        pii = item.get("pii")
        if pii not in (True, False, None):
            raise WorkflowError("'pii' is true, false or null")
        categories = item.get("categories", [])
        if not isinstance(categories, list) or any(c not in _CATEGORIES for c in categories):
            raise WorkflowError("'categories' is a list of the contract's category ids")
        special = item.get("special_care", False)
        if not isinstance(special, bool):
            raise WorkflowError("'special_care' is true or false")
        path = _text(item, "path", 1000, required=True)
        return {"path": path, "path_key": hashlib.sha256(path.encode("utf-8", "surrogatepass")).hexdigest(),
                "status": status, "pii": pii, "categories": [c for c in CATEGORY_IDS if c in set(categories)],
                "special_care": special, "persons": _count(item, "persons"), "size": _count(item, "size"),
                "mtime": _text(item, "mtime", 40), "owner": _text(item, "owner", 200)}
    except WorkflowError as error:
        raise WorkflowError(f"item {index}: {error}") from None


def _batch(payload: Any) -> tuple[str, str, bool, list[dict[str, Any]]]:
    if not isinstance(payload, dict):
        raise WorkflowError("the body is a JSON object with 'batch', 'run', 'final' and 'items'")
    batch, run = payload.get("batch"), payload.get("run", payload.get("batch"))
    for key, value in (("batch", batch), ("run", run)):
        if not isinstance(value, str) or not value or len(value) > 80 or not value.isprintable():
            raise WorkflowError(f"'{key}' is an id of 1–80 printable characters")
    final = payload.get("final", False)
    if not isinstance(final, bool):
        raise WorkflowError("'final' is true or false")
    items = payload.get("items")
    if not isinstance(items, list) or len(items) > MAX_ITEMS:
        raise WorkflowError(f"'items' is a list of at most {MAX_ITEMS} items")
    return str(batch), str(run), final, [clean_item(item, i) for i, item in enumerate(items)]


def receive(scanner: ScannerToken, body: bytes) -> tuple[int, dict[str, Any]]:
    """Store one pushed batch; the same batch again gets the same answer, another body under its id a 409."""
    try:
        payload = json.loads(body)
    except (ValueError, RecursionError):
        raise WorkflowError("the body is not JSON") from None
    batch_id, run_id, final, items = _batch(payload)
    fingerprint = hashlib.sha256(body).hexdigest()
    earlier = ScanBatch.objects.filter(token=scanner, batch_id=batch_id).first()
    if earlier is not None:
        if earlier.fingerprint != fingerprint:
            raise InvalidTransition(f"batch {batch_id} was already received with other content")
        return 200, {"batch": batch_id, "items": earlier.items, "replayed": True}
    now = timezone.now()
    department = scanner.department
    try:
        with transaction.atomic():
            ScanBatch.objects.create(token=scanner, batch_id=batch_id, run_id=run_id, fingerprint=fingerprint,
                                     items=len(items), final=final)
            for fields in items:
                ScannedFile.objects.update_or_create(
                    department=department, path_key=fields.pop("path_key"),
                    defaults=fields | {"run_id": run_id, "seen_at": now, "token": scanner})
            removed = 0
            if final:  # a complete scan: files this scanner met before but not now are gone
                removed, _ = ScannedFile.objects.filter(department=department, token=scanner).exclude(
                    run_id=run_id).delete()
            ScannerToken.objects.filter(pk=scanner.pk).update(last_used=now)
            record(f"scanner:{scanner.name}", "register.scan_pushed", "department", department.pk,
                   department=department.code, batch=batch_id, items=len(items),
                   pii_items=sum(1 for f in items if f["pii"]), final=final, removed=removed)
    except IntegrityError:  # a concurrent retry of the same batch stored it first
        return receive(scanner, body)
    return 201, {"batch": batch_id, "items": len(items), "replayed": False, "removed": removed}
