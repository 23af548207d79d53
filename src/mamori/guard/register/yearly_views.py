"""The yearly report's page, the heads' sign-off, and its XLSX and PDF for the council."""

from __future__ import annotations

import io
from typing import Any

import xlsxwriter
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from mamori.guard.accounts.models import Role, User
from mamori.guard.register import services, yearly
from mamori.guard.register.models import YearlySignOff
from mamori.guard.ui.http import client_ip, guarded
from mamori.guard.ui.printing import XLSX, binary_response, pdf_response

VIEWERS = (Role.SECTION_HEAD, Role.SECURITY_ADMIN, Role.AUDITOR)
#: The report's lines, in the order printed.
LINES = (
    ("requested", gettext_lazy("ui.reg.exports_requested")), ("approved", gettext_lazy("ui.reg.exports_approved")),
    ("rejected", gettext_lazy("ui.reg.exports_rejected")),
    ("blocked", gettext_lazy("ui.reg.exports_blocked_by_the_rules")),
    ("written", gettext_lazy("ui.reg.exports_written")),
    ("people_carried", gettext_lazy("ui.reg.people_carried_distinct")),
    ("people_carried_sum", gettext_lazy("ui.reg.people_carried_added_up_over_exports")),
    ("special_care_exports", gettext_lazy("ui.reg.exports_with_special_care_data")),
    ("media_lost", gettext_lazy("ui.reg.media_lost")), ("media_retired", gettext_lazy("ui.reg.media_retired")),
    ("register_created", gettext_lazy("ui.reg.register_entries_created")),
    ("register_changed", gettext_lazy("ui.reg.register_entries_changed")),
    ("register_retired", gettext_lazy("ui.reg.register_entries_retired")),
    ("scanned_files", gettext_lazy("ui.reg.files_scanned_on_the_shares")),
    ("pii_files", gettext_lazy("ui.reg.files_with_personal_data")),
    ("special_care_files", gettext_lazy("ui.reg.files_with_special_care_data")),
    ("not_inspected_files", gettext_lazy("ui.reg.files_that_could_not_be_inspected")),
    ("uncovered_files", gettext_lazy("ui.reg.files_with_personal_data_in_no")),
    ("entries_without_files", gettext_lazy("ui.reg.register_entries_whose_files_no_scan")),
    ("special_care_mismatches", gettext_lazy("ui.reg.special_care_data_where_the_entry")),
)


def _me(request: HttpRequest) -> User:
    return User.objects.get(pk=request.user.pk)


def _year(request: HttpRequest) -> int:
    value = request.GET.get("year", "") or request.POST.get("year", "")
    if value.isdigit() and 2000 <= int(value) <= 2100:
        return int(value)
    return yearly.fiscal_year_of(timezone.now())


def report(user: User, year: int) -> dict[str, Any]:
    """The columns (each visible department, then the city) and the report's lines."""
    departments = list(services.visible_departments(user))
    signed = {s.department_id: s for s in YearlySignOff.objects.filter(fiscal_year=year).select_related("signed_by")}
    columns: list[dict[str, Any]] = []
    for department in departments:
        sign_off = signed.get(department.pk)
        # What was signed stays what was signed: a signed column shows the figures kept with the sign-off.
        values = sign_off.figures if sign_off else yearly.figures(department, year).as_dict()
        columns.append({"department": department, "values": values, "signed": sign_off,
                        "can_sign": sign_off is None and user.role == Role.SECTION_HEAD
                        and department.head_id == user.pk})
    city = yearly.figures(None, year).as_dict() if user.role in (Role.SECURITY_ADMIN, Role.AUDITOR) else None
    rows = [(key, label, [c["values"].get(key, 0) for c in columns], city[key] if city else None)
            for key, label in LINES]
    return {"year": year, "title": _("ui.reg.yearly_title").format(year=year), "columns": columns, "rows": rows,
            "city": city,
            "all_signed": bool(columns) and all(c["signed"] for c in columns)}


@require_GET
@guarded(*VIEWERS)
def yearly_page(request: HttpRequest) -> HttpResponse:
    """The year's figures per department and for the city, with who signed what."""
    return render(request, "guard/yearly.html", report(_me(request), _year(request)))


@require_POST
@guarded(Role.SECTION_HEAD)
def sign(request: HttpRequest) -> HttpResponse:
    """The head signs the department's year with a fresh TOTP code."""
    user = _me(request)
    wanted = request.POST.get("department", "")
    department = get_object_or_404(services.visible_departments(user),
                                   pk=int(wanted) if wanted.isdigit() and len(wanted) < 19 else 0)
    year = _year(request)
    yearly.sign(user, department, year, request.POST.get("code", "").strip(), client_ip(request))
    return HttpResponseRedirect(f"/reports/yearly/?year={year}")


def workbook(data: dict[str, Any]) -> bytes:
    """The report as an XLSX: a line per figure, a column per department, the city last; who signed below."""
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    bold = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    cell = book.add_format({"border": 1})
    sheet = book.add_worksheet(_("ui.reg.yearly_report")[:31])
    heads = [str(c["department"]) for c in data["columns"]] + ([_("ui.reg.whole_city")] if data["city"] else [])
    sheet.write_row(0, 0, [f"{_('ui.reg.fiscal_year')} {data['year']}", *heads], bold)
    for i, (_key, label, values, city) in enumerate(data["rows"], start=1):
        sheet.write(i, 0, str(label), bold)
        sheet.write_row(i, 1, [*values, *([city] if city is not None else [])], cell)
    at = len(data["rows"]) + 2
    sheet.write(at, 0, _("ui.reg.signed_off"), bold)
    for j, column in enumerate(data["columns"], start=1):
        signed = column["signed"]
        sheet.write(at, j, f"{signed.signed_by.label} {timezone.localtime(signed.signed_at):%Y-%m-%d %H:%M}"
                    if signed else "—", cell)
        sheet.write(at + 1, j, signed.digest[:16] if signed else "", cell)
    sheet.set_column(0, 0, 40)
    sheet.set_column(1, len(heads), 18)
    sheet.freeze_panes(1, 1)
    book.close()
    return out.getvalue()


@require_GET
@guarded(*VIEWERS)
def download(request: HttpRequest, fmt: str) -> HttpResponse:
    """The report for the council: XLSX or a PDF to print."""
    data = report(_me(request), _year(request))
    name = f"{_('ui.reg.yearly_report_2')}_{data['year']}.{fmt}"
    if fmt == "xlsx":
        return binary_response(workbook(data), XLSX, name)
    lang = "en" if getattr(request, "LANGUAGE_CODE", "ja") == "en" else "ja"
    return pdf_response("guard/print_yearly.html", data | {
        "lang": lang, "printed_at": timezone.localtime().strftime("%Y-%m-%d %H:%M")}, name)
