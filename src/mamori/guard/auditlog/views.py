"""The auditors' view of the log: search, and the same result as CSV."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mamori.errors import WorkflowError
from mamori.guard.accounts.models import Role
from mamori.guard.auditlog.forms import SearchForm
from mamori.guard.auditlog.search import Query, search, to_csv
from mamori.guard.auditlog.sentences import lines
from mamori.guard.auditlog.services import audit_log, record
from mamori.guard.auditlog.workbook import to_xlsx
from mamori.guard.ui.http import guarded
from mamori.i18n import said


def _query(form: SearchForm) -> Query:
    if not form.is_valid():
        raise WorkflowError(said("error.auditlog.dates_look_like_2025"))
    data = form.cleaned_data
    return Query(action=data["action"], actor=data["actor"], object_type=data["object_type"],
                 object_id=data["object_id"], text=data["text"],
                 date_from=data["date_from"].isoformat() if data["date_from"] else "",
                 date_to=data["date_to"].isoformat() if data["date_to"] else "")


@require_GET
@guarded(Role.AUDITOR, Role.SECURITY_ADMIN)
def search_view(request: HttpRequest) -> HttpResponse:
    """Search the audit log, newest first."""
    form = SearchForm(request.GET)
    query = _query(form)
    log = audit_log()
    rows = search(log, query)
    lang = "en" if getattr(request, "LANGUAGE_CODE", "ja") == "en" else "ja"
    return render(request, "guard/audit.html", {"form": form, "rows": lines(rows, lang), "size": log.size,
                                                "query_string": request.GET.urlencode()})


@require_GET
@guarded(Role.AUDITOR, Role.SECURITY_ADMIN)
def csv_view(request: HttpRequest) -> StreamingHttpResponse:
    """The search result as CSV (UTF-8 with BOM so spreadsheet software reads Japanese)."""
    query = _query(SearchForm(request.GET))
    rows = search(audit_log(), query, limit=100_000)
    record(request.user.get_username(), "audit.exported", "audit_log", "", rows=len(rows), query=vars(query))
    response = StreamingHttpResponse(("\ufeff", *to_csv(rows)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="mamori-audit.csv"'
    return response


@require_GET
@guarded(Role.AUDITOR, Role.SECURITY_ADMIN)
def xlsx_view(request: HttpRequest) -> HttpResponse:
    """The search result as an Excel workbook (text cells only, so nothing in it is a formula)."""
    query = _query(SearchForm(request.GET))
    rows = search(audit_log(), query, limit=100_000)
    record(request.user.get_username(), "audit.exported", "audit_log", "", rows=len(rows), query=vars(query),
           format="xlsx")
    response = HttpResponse(to_xlsx(rows),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="mamori-audit.xlsx"'
    return response
