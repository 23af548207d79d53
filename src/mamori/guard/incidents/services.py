"""Recording incidents: every change is audited; findings are summarised, never stored as personal data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from mamori.detect.categories import CATEGORY_IDS, SPECIAL_CARE
from mamori.errors import WorkflowError
from mamori.guard.accounts.models import Department, Role, User
from mamori.guard.accounts.services import require_role
from mamori.guard.auditlog.services import record
from mamori.guard.incidents.clocks import Clock, Reason, clocks, report_reasons
from mamori.guard.incidents.models import Incident, NoticeBatch
from mamori.guard.media.models import Medium
from mamori.i18n import said

MAX_FINDINGS_BYTES = 64 * 1024 * 1024
EDITABLE = ("title", "discovered_at", "discovered_by", "description", "cause", "people_affected", "special_care",
            "property_damage", "wrongful_purpose", "secondary_harm", "public_announcement", "prevention")


@dataclass(frozen=True)
class IncidentStatus:
    """What the incident page shows at a glance: why a report is due, and its two clocks."""

    reasons: tuple[Reason, ...]
    preliminary: Clock
    final: Clock

    @property
    def mandatory(self) -> bool:
        return bool(self.reasons)

    @property
    def clocks(self) -> tuple[Clock, Clock]:
        return self.preliminary, self.final


def status(incident: Incident) -> IncidentStatus:
    """The reporting reasons and clocks of `incident` as recorded now."""
    preliminary, final = clocks(incident.discovered_at, wrongful_purpose=incident.wrongful_purpose,
                                preliminary_done=incident.preliminary_reported_at,
                                final_done=incident.final_reported_at)
    reasons = report_reasons(special_care=incident.special_care, property_damage=incident.property_damage,
                             wrongful_purpose=incident.wrongful_purpose, people=incident.people_affected)
    return IncidentStatus(reasons, preliminary, final)


def _check(fields: dict[str, Any]) -> None:
    if not str(fields.get("title", "")).strip() or not str(fields.get("description", "")).strip():
        raise WorkflowError(said("error.incidents.incident_needs_title_description"))
    people = fields.get("people_affected")
    if people is not None and people < 0:
        raise WorkflowError(said("error.incidents.number_people_affected_cannot"))
    moment = fields.get("discovered_at")
    if isinstance(moment, datetime) and moment > timezone.now():
        raise WorkflowError(said("error.incidents.moment_incident_became_known"))


def create(actor: User, *, department: Department | None, medium: Medium | None, **fields: Any) -> Incident:
    """Record a new incident (security administrators)."""
    require_role(actor, Role.SECURITY_ADMIN)
    _check(fields)
    values = {k: fields[k] for k in EDITABLE if k in fields}
    with transaction.atomic():
        incident = Incident.objects.create(recorded_by=actor, department=department, medium=medium, **values)
        record(actor.username, "incident.recorded", "incident", incident.pk, title=incident.title,
               discovered_at=incident.discovered_at.isoformat(), people=incident.people_affected)
    return incident


def update(actor: User, incident: Incident, **fields: Any) -> Incident:
    """Change what is known about `incident`; the audit entry names the fields that changed."""
    require_role(actor, Role.SECURITY_ADMIN)
    merged = {k: getattr(incident, k) for k in EDITABLE} | {k: v for k, v in fields.items() if k in EDITABLE}
    _check(merged)
    changed = sorted(k for k in EDITABLE if merged[k] != getattr(incident, k))
    if not changed:
        return incident
    with transaction.atomic():
        for key in changed:
            setattr(incident, key, merged[key])
        incident.save()
        record(actor.username, "incident.updated", "incident", incident.pk, fields=changed)
    return incident


def mark_reported(actor: User, incident: Incident, kind: str, when: datetime | None = None) -> Incident:
    """Record that the preliminary or final report went to the PPC."""
    require_role(actor, Role.SECURITY_ADMIN)
    if kind not in ("preliminary", "final"):
        raise WorkflowError(said("error.incidents.report_either_preliminary_final"))
    moment = when or timezone.now()
    if moment < incident.discovered_at:
        raise WorkflowError(said("error.incidents.report_cannot_precede_moment"))
    if kind == "final" and incident.preliminary_reported_at is None:
        raise WorkflowError(said("error.incidents.record_preliminary_report_before"))
    with transaction.atomic():
        setattr(incident, f"{kind}_reported_at", moment)
        incident.save()
        record(actor.username, f"incident.{kind}_reported", "incident", incident.pk, at=moment.isoformat())
    return incident


def summarise_findings(data: bytes) -> dict[str, Any]:
    """The counts of an investigate findings.json (no paths' contents, no names): what an incident needs."""
    if len(data) > MAX_FINDINGS_BYTES:
        raise WorkflowError(said("error.incidents.findings_json_larger_than",
                                 value1=MAX_FINDINGS_BYTES // 1024 // 1024))
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise WorkflowError(said("error.incidents.not_findings_json_written_", exc=exc)) from None
    leaked = raw.get("leaked") if isinstance(raw, dict) else None
    persons = raw.get("unique_persons_leaked") if isinstance(raw, dict) else None
    if not isinstance(leaked, list) or not isinstance(persons, int):
        raise WorkflowError(said("error.incidents.not_findings_json_written"))
    categories: set[str] = set()
    special = False
    for entry in leaked:
        if isinstance(entry, dict):
            categories.update(c for c in entry.get("categories", ()) if c in CATEGORY_IDS)
            special = special or bool(entry.get("special_care"))
    totals = raw.get("access_totals") if isinstance(raw.get("access_totals"), dict) else {}
    return {
        "case": str(raw.get("case", ""))[:200],
        "leaked_files": len(leaked),
        "unique_persons_leaked": persons,
        "categories": sorted(categories, key=CATEGORY_IDS.index),
        "special_care": special or bool(categories & set(SPECIAL_CARE)),
        "access_totals": {str(k): v for k, v in totals.items() if isinstance(v, int)},
    }


def import_findings(actor: User, incident: Incident, data: bytes) -> Incident:
    """Link an investigation to the incident: people affected and special care follow its findings."""
    require_role(actor, Role.SECURITY_ADMIN)
    summary = summarise_findings(data)
    with transaction.atomic():
        incident.findings = summary
        incident.people_affected = summary["unique_persons_leaked"]
        incident.categories = summary["categories"]
        incident.special_care = incident.special_care or summary["special_care"]
        incident.save()
        record(actor.username, "incident.findings_imported", "incident", incident.pk,
               leaked_files=summary["leaked_files"], people=summary["unique_persons_leaked"])
    return incident


def add_notices(actor: User, incident: Incident, *, sent_on: date, sent: int, returned: int = 0, answered: int = 0,
                note: str = "") -> NoticeBatch:
    """Record one mailing of notices and what came back."""
    require_role(actor, Role.SECURITY_ADMIN)
    if sent <= 0 or returned < 0 or answered < 0 or returned > sent:
        raise WorkflowError(said("error.incidents.mailing_sends_at_least"))
    if sent_on < incident.discovered_at.date():
        raise WorkflowError(said("error.incidents.notices_cannot_sent_before"))
    with transaction.atomic():
        batch = NoticeBatch.objects.create(incident=incident, sent_on=sent_on, sent=sent, returned=returned,
                                           answered=answered, note=note.strip()[:500], recorded_by=actor)
        record(actor.username, "incident.notices_sent", "incident", incident.pk, sent_on=sent_on.isoformat(),
               sent=sent, returned=returned, answered=answered)
    return batch


@dataclass(frozen=True)
class NoticeTotals:
    sent: int
    returned: int
    answered: int
    not_yet: int | None  # people affected not yet sent a notice (None while the number is unknown)


def notice_totals(incident: Incident) -> NoticeTotals:
    """Sums over the mailings, and how many of the people affected are still to be told."""
    batches = list(NoticeBatch.objects.filter(incident=incident))
    sent = sum(b.sent for b in batches)
    delivered = sent - sum(b.returned for b in batches)
    not_yet = None if incident.people_affected is None else max(0, incident.people_affected - delivered)
    return NoticeTotals(sent, sum(b.returned for b in batches), sum(b.answered for b in batches), not_yet)
