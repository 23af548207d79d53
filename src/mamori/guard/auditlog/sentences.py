"""Audit entries as sentences a person reads (「山田（市民課）が 申請#12 を承認」), in the city's time zone.

The log itself keeps the stable action codes; this is only how the pages say them. An action without a sentence
here is still shown, as its code with its object, so nothing recorded is ever hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from mamori.audit import AuditEvent
from mamori.i18n import t

# The actions that have a sentence: the catalogue's ``audit.<action>`` ({actor} {id} and detail keys fill it).
ACTIONS: tuple[str, ...] = (
    "export.requested", "export.scanned", "export.approved", "export.rejected", "export.blocked", "export.voided",
    "export.withdrawn", "export.amended", "export.executed", "export.mismatch", "approval.refused", "grant.issued",
    "grant.refused", "grant.reuse_refused", "grant.expired_refused", "login.succeeded", "login.failed",
    "login.locked_out", "login.refused_locked", "logout", "user.created", "user.changed", "user.role_changed",
    "user.password_changed", "account.totp_enrolled", "department.created", "department.head_set",
    "department.head_cleared", "login.directory_unavailable",
    "department.placed", "deputy.appointed", "deputy.revoked", "staff.imported", "medium.registered",
    "medium.changed", "endpoint.created", "device.blocked", "device.allowed", "device.inserted", "device.removed",
    "device.write_refused", "device.written", "incident.recorded", "incident.updated",
    "incident.findings_imported", "incident.preliminary_reported", "incident.final_reported",
    "incident.notices_sent", "audit.exported", "guard.initialised", "guard.grant_key_rotated",
)


_KNOWN = frozenset(ACTIONS)


class _Blank(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "—"


@dataclass(frozen=True)
class Line:
    """One entry as the audit page shows it."""

    index: int
    when: str
    sentence: str
    action: str
    details: str


def when(event: AuditEvent) -> str:
    """The entry's time in the city's zone, to the second."""
    try:
        moment = datetime.fromisoformat(event.time.replace("Z", "+00:00"))
    except ValueError:
        return event.time
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M:%S")


def sentence(event: AuditEvent, lang: str) -> str:
    """What happened, as a sentence (the action code with its object when no sentence is known)."""
    actor = t("audit.actor.system", lang) if event.actor == "system" else event.actor
    if event.action not in _KNOWN:
        target = f" {event.object_type} {event.object_id}".rstrip() if event.object_type else ""
        return t("audit.unknown", lang, actor=actor, action=event.action, target=target)
    values = _Blank({k: v for k, v in event.details.items() if isinstance(v, str | int | float)})
    values.update(actor=actor, id=event.object_id, capacity="")
    if event.details.get("as_deputy_for"):
        values.update(capacity=t("audit.capacity.deputy", lang, who=event.details["as_deputy_for"]))
    elif event.details.get("escalated_from"):
        values.update(capacity=t("audit.capacity.escalated", lang, who=event.details["escalated_from"]))
    return t(f"audit.{event.action}", lang).format_map(values)


def details_text(event: AuditEvent, lang: str = "ja") -> str:
    """The recorded details as `key: value` text: nested values flattened, times local (no Python syntax)."""
    return "、".join(f"{k}: {_value(v, lang)}" for k, v in sorted(event.details.items()) if v not in ("", None, [], {}))


def _value(value: Any, lang: str = "ja") -> str:
    if isinstance(value, bool):
        return t("audit.true" if value else "audit.false", lang)
    if isinstance(value, dict):
        return "(" + ", ".join(f"{k}={_value(v, lang)}" for k, v in value.items()) + ")"
    if isinstance(value, list | tuple):
        return "; ".join(_value(v, lang) for v in value)
    if isinstance(value, str) and len(value) >= 20 and value[4:5] == "-" and value[10:11] == "T":
        try:
            return timezone.localtime(datetime.fromisoformat(value.replace("Z", "+00:00"))).strftime("%Y-%m-%d %H:%M")
        except ValueError:
            return value
    return str(value)


def lines(rows: list[tuple[int, AuditEvent]], lang: str) -> list[Line]:
    return [Line(i, when(e), sentence(e, lang), e.action, details_text(e, lang)) for i, e in rows]
