"""What an approval binds: requester, medium identity, exact files, purpose, recipient and expiry."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from mamori.audit.event import canonical_json
from mamori.guard.exports import storage
from mamori.guard.exports.grants import utc_iso
from mamori.guard.exports.models import ExportFile, ExportRequest


def files_of(request: ExportRequest) -> list[ExportFile]:
    """The request's files in submission order."""
    return list(ExportFile.objects.filter(request=request).order_by("position"))


def binding_of(request: ExportRequest, files: list[ExportFile]) -> dict[str, Any]:
    """The bound facts of `request` as JSON values (also the body of its grant)."""
    return {
        "request_id": request.pk,
        "requester": request.requester.username,
        "medium": request.medium.identity(),
        "files": [{"name": f.name, "sha256": f.sha256, "size": f.size} for f in files],
        "purpose": request.purpose,
        "recipient": request.recipient,
        "expires_at": utc_iso(request.expires_at),
    }


def digest_of(binding: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a binding."""
    return hashlib.sha256(canonical_json(binding)).hexdigest()


def current_digest(request: ExportRequest) -> str:
    """The digest of `request` as it is in the database now."""
    return digest_of(binding_of(request, files_of(request)))


def changed_files(home: Path, request: ExportRequest) -> list[str]:
    """Names of the request's stored files whose bytes are no longer what was submitted (or are gone)."""
    changed: list[str] = []
    for f in files_of(request):
        now = storage.rehash(home, f.stored_name)
        if now != (f.sha256, f.size):
            changed.append(f.name)
    return changed
