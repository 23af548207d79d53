"""Audit events and their canonical record bytes (the data each Merkle leaf hashes).

A record is the event as canonical JSON — keys sorted, no insignificant whitespace, UTF-8,
no NaN/Infinity — with its position in the log (``seq``), so the leaf bytes of an event can be
reproduced from its fields by anyone, e.g. an auditor re-checking a receipt offline.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from mamori.errors import AuditError, AuditIntegrityError

_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?Z")
_FIELDS = ("actor", "action", "object_type", "object_id")


def utc_now() -> str:
    """The current time as UTC ISO 8601 with a ``Z`` suffix (microseconds)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical_json(value: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, compact separators, UTF-8, no NaN or Infinity."""
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()
    except (TypeError, ValueError, RecursionError) as exc:
        raise AuditError(f"audit data is not JSON-serialisable: {exc}") from exc


def _check_json(value: Any, where: str) -> None:
    if value is None or isinstance(value, bool | int | str):
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise AuditError(f"{where}: {value} cannot be written as JSON")
        return
    if isinstance(value, list | tuple):
        for i, item in enumerate(value):
            _check_json(item, f"{where}[{i}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise AuditError(f"{where}: key {key!r} is not a string")
            _check_json(item, f"{where}.{key}")
        return
    raise AuditError(f"{where}: a {type(value).__name__} is not JSON-serialisable")


@dataclass(frozen=True)
class AuditEvent:
    """One thing that happened: who did what to which object, when, with JSON details."""

    actor: str
    action: str
    object_type: str = ""
    object_id: str = ""
    details: Mapping[str, Any] = field(default_factory=dict)
    time: str = field(default_factory=utc_now)

    def __post_init__(self) -> None:
        for name in _FIELDS:
            if not isinstance(getattr(self, name), str):
                raise AuditError(f"audit event {name} must be a string")
        if not self.action:
            raise AuditError("an audit event needs an action")
        if not isinstance(self.time, str) or not _TIME.fullmatch(self.time):
            raise AuditError(f"audit event time {self.time!r} is not UTC ISO 8601 (YYYY-MM-DDTHH:MM:SS[.ffffff]Z)")
        if not isinstance(self.details, Mapping):
            raise AuditError("audit event details must be a mapping of names to JSON values")
        _check_json(self.details, "details")

    def record(self, seq: int) -> bytes:
        """The canonical record bytes of this event as entry `seq` of a log."""
        return canonical_json(
            {
                "seq": seq,
                "time": self.time,
                "actor": self.actor,
                "action": self.action,
                "object": {"type": self.object_type, "id": self.object_id},
                "details": self.details,
            }
        )


def parse_record(data: bytes) -> tuple[int, AuditEvent]:
    """The sequence number and event stored in record bytes; `AuditIntegrityError` if malformed."""
    try:
        obj = json.loads(data)
        obj_ref = obj["object"]
        event = AuditEvent(
            actor=obj["actor"],
            action=obj["action"],
            object_type=obj_ref["type"],
            object_id=obj_ref["id"],
            details=obj["details"],
            time=obj["time"],
        )
        seq = obj["seq"]
    except (ValueError, TypeError, KeyError, RecursionError, AuditError) as exc:
        raise AuditIntegrityError(f"record is not a valid audit event: {exc}") from exc
    if not isinstance(seq, int) or isinstance(seq, bool):
        raise AuditIntegrityError("record has no integer seq")
    return seq, event
