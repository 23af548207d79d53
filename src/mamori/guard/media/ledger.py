"""媒体管理台帳: every registered medium with its life so far, from the register and the audit log."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.db.models import QuerySet
from django.utils import timezone

from mamori.audit import AuditEvent
from mamori.guard.auditlog.services import audit_log
from mamori.guard.media.models import Medium, MediumState
from mamori.i18n import t

LEDGER_HEADERS = ("ui.pf_label", "ui.usb_id", "ui.pf_serial", "ui.pf_capacity", "ui.pf_encrypted", "ui.department",
                  "ui.state", "ui.pf_holder", "ui.registered_at")
HISTORY_HEADERS = ("ui.event_time", "ui.pf_actor", "ui.event")
MAX_EVENTS = 1_000_000  # the most recent audit entries read for the history


@dataclass(frozen=True)
class LedgerLine:
    medium: Medium
    history: tuple[AuditEvent, ...]

    def cells(self, lang: str) -> list[Any]:
        m = self.medium
        return [m.label, f"{m.vendor_id}:{m.product_id}", m.serial, round(m.capacity_bytes / 1e9, 1),
                t("ui.yes", lang) if m.encrypted else "—", str(m.department), str(MediumState(m.state).label),
                m.holder.label if m.holder else "—", _when(m.registered_at)]


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def event_text(event: AuditEvent) -> str:
    """One history line: the action and what it says about the medium, without the medium's identity again."""
    skip = {"vendor_id", "product_id", "serial"}
    details = ", ".join(f"{k}={v}" for k, v in sorted(event.details.items()) if k not in skip and v not in ("", None))
    return f"{event.action}" + (f" ({details})" if details else "")


def ledger(media: QuerySet[Medium]) -> list[LedgerLine]:
    """The ledger of `media`, each with its audit history (oldest first)."""
    chosen = list(media.select_related("department", "holder"))
    wanted = {str(m.pk) for m in chosen}
    history: dict[str, list[AuditEvent]] = {key: [] for key in wanted}
    log = audit_log()
    for _, event in log.events(max(0, log.size - MAX_EVENTS)):
        if event.object_type == "medium" and event.object_id in wanted:
            history[event.object_id].append(event)
    return [LedgerLine(m, tuple(history[str(m.pk)])) for m in chosen]


def workbook(lines: list[LedgerLine], lang: str) -> bytes:
    """The ledger as an XLSX: one sheet of media, one of their history."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    cell = book.add_format({"border": 1, "valign": "top"})
    sheet = book.add_worksheet(t("ui.media_ledger", lang)[:31])
    sheet.write_row(0, 0, [t(h, lang) for h in LEDGER_HEADERS], bold)
    for row, line in enumerate(lines, start=1):
        sheet.write_row(row, 0, line.cells(lang), cell)
    sheet.set_column(0, len(LEDGER_HEADERS) - 1, 16)
    sheet.freeze_panes(1, 0)
    history = book.add_worksheet(t("ui.history", lang)[:31])
    history.write_row(0, 0, [t("ui.pf_label", lang), *(t(h, lang) for h in HISTORY_HEADERS)], bold)
    row = 1
    for line in lines:
        for event in line.history:
            history.write_row(row, 0, [line.medium.label, event.time[:19].replace("T", " "), event.actor,
                                       event_text(event)], cell)
            row += 1
    history.set_column(0, 3, 24)
    book.close()
    return out.getvalue()
