"""Append guard events to the mamori audit log of MAMORI_HOME (on disk before the caller responds)."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from django.conf import settings

from mamori.audit import AuditEvent, AuditLog, LogEntry

_logs: dict[Path, AuditLog] = {}
_lock = threading.Lock()


def current_home() -> Path:
    """The mamori home the server runs on (read at call time so tests can switch it)."""
    return Path(settings.MAMORI_HOME)


def audit_log() -> AuditLog:
    """The process-wide AuditLog of the current home (the log itself serialises appends across processes)."""
    home = current_home()
    with _lock:
        log = _logs.get(home)
        if log is None:
            log = _logs[home] = AuditLog(home, durable=bool(settings.MAMORI_AUDIT_FSYNC))
        return log


def record(actor: str, action: str, object_type: str = "", object_id: object = "", **details: Any) -> LogEntry:
    """Append one event; it is fsynced when this returns. Raises `AuditError` if it cannot be written."""
    event = AuditEvent(actor=actor, action=action, object_type=object_type,
                       object_id=str(object_id) if object_id != "" else "", details=details)
    return audit_log().append(event)
