"""持出し申請書: one request as the paper form, with its scan result, approvals and whether it was written."""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

import xlsxwriter
from django.utils import timezone

from mamori.guard.exports.models import Approval, Decision, ExportFile, ExportRequest, Grant, RequestState, Step
from mamori.i18n import category_label, status_label, t


@dataclass(frozen=True)
class PrintedRequest:
    """Everything the printed form shows, gathered once for the PDF and the workbook."""

    request: ExportRequest
    files: list[ExportFile]
    approvals: list[Approval]
    grant: Grant | None
    lang: str

    def heading(self) -> list[tuple[str, str]]:
        r, lang = self.request, self.lang
        medium = r.medium
        return [
            (t("ui.request_no", lang), str(r.pk)),
            (t("ui.requested_at", lang), _when(r.created_at)),
            (t("ui.pf_requester", lang), f"{r.requester.label} ({r.department})"),
            (t("ui.purpose", lang), r.purpose),
            (t("ui.recipient", lang), r.recipient),
            (t("ui.medium", lang), f"{medium.label} ({medium.vendor_id}:{medium.product_id} {medium.serial})"),
            (t("ui.expires_at", lang), _when(r.expires_at)),
            (t("ui.state", lang), str(RequestState(r.state).label)),
            (t("ui.persons_total", lang), f"{r.persons:,}"),
            (t("ui.pf_categories", lang), "、".join(category_label(c, lang) for c in r.categories) or "—"),
            (t("ui.pf_special_care", lang), t("ui.yes", lang) if r.special_care else "—"),
            (t("ui.pf_not_inspected", lang), str(r.not_inspected)),
        ]

    def file_rows(self) -> list[list[Any]]:
        lang = self.lang
        return [[f.position + 1, f.name, f.size, f.sha256, status_label(f.status, lang),
                 "、".join(category_label(c, lang) for c in f.categories), "—" if f.pii is None else f.persons,
                 t("ui.yes", lang) if f.special_care else ""] for f in self.files]

    def approval_rows(self) -> list[list[str]]:
        return [[str(Step(a.step).label), a.approver.label, str(Decision(a.decision).label), _when(a.created_at),
                 a.reason, t("ui.void", self.lang) if a.void else ""] for a in self.approvals]

    def grant_rows(self) -> list[tuple[str, str]]:
        g, lang = self.grant, self.lang
        if g is None:
            return [(t("ui.grant", lang), "—")]
        return [(t("ui.grant", lang), str(g.id)), (t("ui.issued_at", lang), _when(g.issued_at)),
                (t("ui.expires_at", lang), _when(g.expires_at)),
                (t("ui.written_at", lang), _when(g.redeemed_at) if g.redeemed_at else t("ui.not_written", lang)),
                (t("ui.written_by", lang), g.redeemed_by or "—")]


def _when(moment: Any) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M") if moment else "—"


def gather(request: ExportRequest, lang: str) -> PrintedRequest:
    """The printed form of `request`."""
    return PrintedRequest(request, list(ExportFile.objects.filter(request=request).order_by("position")),
                          list(Approval.objects.filter(request=request).select_related("approver")),
                          Grant.objects.filter(request=request).first(), lang)


FILE_HEADERS = ("ui.pf_no", "ui.file_name", "ui.size", "ui.sha256", "ui.status", "ui.pf_categories", "ui.persons_col",
                "ui.pf_special_care")
APPROVAL_HEADERS = ("ui.step", "ui.approver", "ui.decision", "ui.decided_at", "ui.reason", "ui.void")


def workbook(printed: PrintedRequest) -> bytes:
    """The same form as an XLSX: the request, its files, its approvals and its grant."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
    cell = book.add_format({"border": 1, "text_wrap": True, "valign": "top"})
    lang = printed.lang
    sheet = book.add_worksheet(t("ui.export_form", lang)[:31])
    sheet.set_column(0, 0, 22)
    sheet.set_column(1, 1, 70)
    for row, (label, value) in enumerate([*printed.heading(), *printed.grant_rows()]):
        sheet.write(row, 0, label, bold)
        sheet.write(row, 1, value, cell)
    for title, headers, rows in ((t("ui.files", lang), FILE_HEADERS, printed.file_rows()),
                                 (t("ui.approvals", lang), APPROVAL_HEADERS, printed.approval_rows())):
        table = book.add_worksheet(title[:31])
        table.write_row(0, 0, [t(h, lang) for h in headers], bold)
        for i, values in enumerate(rows, start=1):
            table.write_row(i, 0, values, cell)
        table.set_column(0, len(headers) - 1, 18)
        table.freeze_panes(1, 0)
    book.close()
    return out.getvalue()
