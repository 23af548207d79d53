"""Pages for requesters and approvers: my requests, new request, the queue, a request, its grant, the report."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mamori.errors import PermissionDenied, WorkflowError
from mamori.guard.accounts.models import Department, Role, User
from mamori.guard.accounts.services import AuthenticationFailed
from mamori.guard.exports import approvals, services
from mamori.guard.exports.access import approval_queue, open_steps, visible_requests
from mamori.guard.exports.binding import files_of
from mamori.guard.exports.forms import DecisionForm, MonthForm, RequestForm
from mamori.guard.exports.models import Approval, ExportRequest, Grant, RequestState, ScanJob
from mamori.guard.exports.report import monthly_report
from mamori.guard.media.services import exportable_media
from mamori.guard.organisation.services import deputised_departments
from mamori.guard.ui.http import guarded
from mamori.i18n import said

REQUESTERS = (Role.EMPLOYEE, Role.SECTION_HEAD, Role.SECURITY_ADMIN)
SCAN_REFRESH_SECONDS = 3


def _me(request: HttpRequest) -> User:
    return User.objects.select_related("department").get(pk=request.user.pk)


@require_GET
@guarded(*REQUESTERS)
def my_requests(request: HttpRequest) -> HttpResponse:
    """The user's own requests."""
    mine = visible_requests(_me(request)).filter(requester_id=request.user.pk)[:200]
    return render(request, "guard/requests.html", {"requests": mine, "title": "my_requests"})


@require_http_methods(["GET", "POST"])
@guarded(*REQUESTERS)
def new_request(request: HttpRequest) -> HttpResponse:
    """Upload files and name medium, purpose, recipient and expiry; the scan worker takes it from there."""
    me = _me(request)
    media = exportable_media(me)
    form = RequestForm(request.POST or None)
    if request.method == "POST":
        uploads = request.FILES.getlist("files")
        if not form.is_valid() or not uploads:
            return render(request, "guard/request_new.html",
                          {"form": form, "media": media, "error": gettext("ui.error.fill_request")}, status=400)
        medium = media.filter(pk=form.cleaned_data["medium"]).first()
        if medium is None:
            raise PermissionDenied(said("error.exports.choose_one_your_department"))
        expires = form.cleaned_data["expires_at"]
        if timezone.is_naive(expires):
            expires = timezone.make_aware(expires)
        created = services.submit(me, [services.Upload(u.name or "unnamed", u.chunks()) for u in uploads], medium,
                                  form.cleaned_data["purpose"], form.cleaned_data["recipient"], expires)
        return HttpResponseRedirect(f"/requests/{created.pk}/")
    return render(request, "guard/request_new.html", {"form": form, "media": media})


@require_GET
@guarded()
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One request with what personal data it carries, at a glance; the decision form for its approvers."""
    me = _me(request)
    export = get_object_or_404(visible_requests(me), pk=pk)
    response = render(request, "guard/request_detail.html", _detail_context(me, export))
    if export.state == RequestState.SCANNING:
        response["Refresh"] = str(SCAN_REFRESH_SECONDS)  # progress without script (the CSP forbids inline code)
    return response


def _detail_context(me: User, export: ExportRequest, **extra: object) -> dict[str, object]:
    return {"r": export, "files": files_of(export), "job": ScanJob.objects.filter(request=export).first(),
            "approvals": Approval.objects.filter(request=export).select_related("approver"),
            "steps": open_steps(me, export), "grant": Grant.objects.filter(request=export).first(),
            "is_requester": export.requester_id == me.pk, "form": DecisionForm(), **extra}


@require_POST
@guarded()  # heads, administrators and a head's deputy of any role: approvals.decide checks who may decide
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """Approve or reject with a fresh TOTP code."""
    me = _me(request)
    export = get_object_or_404(visible_requests(me), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        raise WorkflowError(said("error.exports.choose_approve_reject_enter"))
    data = form.cleaned_data
    try:
        approvals.decide(me, export, data["decision"], data["code"], data["reason"], step=data["step"] or None)
    except AuthenticationFailed:
        # A mistyped code is the commonest slip: the same page again, the reason kept, a way to retry.
        export.refresh_from_db()
        return render(request, "guard/request_detail.html", _detail_context(
            me, export, decide_error="wrong_code", reason=data["reason"]), status=400)
    return HttpResponseRedirect(f"/requests/{export.pk}/")


@require_POST
@guarded(*REQUESTERS)
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """The requester withdraws their request."""
    me = _me(request)
    export = get_object_or_404(visible_requests(me), pk=pk)
    services.withdraw(me, export)
    return HttpResponseRedirect(f"/requests/{export.pk}/")


@require_GET
@guarded(*REQUESTERS)
def grant_document(request: HttpRequest, pk: int) -> HttpResponse:
    """The signed grant (JSON) for the requester or a security administrator."""
    me = _me(request)
    export = get_object_or_404(visible_requests(me), pk=pk)
    if export.requester_id != me.pk and me.role != Role.SECURITY_ADMIN:
        raise Http404
    grant = get_object_or_404(Grant, request=export)
    response = HttpResponse(grant.envelope, content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="grant-{grant.pk}.json"'
    return response


@require_GET
@guarded()
def queue(request: HttpRequest) -> HttpResponse:
    """Requests waiting for this approver: heads, administrators, and anyone deputising for a head today."""
    me = _me(request)
    if me.role not in (Role.SECTION_HEAD, Role.SECURITY_ADMIN) and not deputised_departments(me):
        raise PermissionDenied(said("error.exports.queue_for_approvers"))
    return render(request, "guard/requests.html", {"requests": approval_queue(me), "title": "queue"})


@require_GET
@guarded(Role.SECTION_HEAD, Role.SECURITY_ADMIN, Role.AUDITOR)
def monthly(request: HttpRequest) -> HttpResponse:
    """The monthly report of a department (heads: their own only)."""
    me = _me(request)
    form = MonthForm(request.GET)
    if not form.is_valid():
        raise WorkflowError(said("error.exports.month_look_like_2025"))
    now = timezone.localtime()
    year, month = (int(p) for p in (form.cleaned_data["month"] or f"{now.year}-{now.month:02d}").split("-"))
    allowed = Department.objects.all() if me.role != Role.SECTION_HEAD else Department.objects.filter(head=me)
    wanted = form.cleaned_data["department"]
    department = allowed.filter(pk=wanted).first() if wanted else allowed.first()
    if department is None:
        raise Http404
    report = monthly_report(department, year, month)
    return render(request, "guard/report.html", {"report": report, "departments": allowed,
                                                 "month": f"{year}-{month:02d}"})




@require_GET
@guarded()
def printed_form(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """持出し申請書 of one request, as a PDF to print or an XLSX."""
    from mamori.guard.exports import printed
    from mamori.guard.ui.printing import XLSX, binary_response, pdf_response

    export = get_object_or_404(visible_requests(_me(request)), pk=pk)
    lang = str(getattr(request, "LANGUAGE_CODE", "ja"))
    form = printed.gather(export, "en" if lang == "en" else "ja")
    name = f"持出し申請書_{export.pk}.{fmt}"
    if fmt == "xlsx":
        return binary_response(printed.workbook(form), XLSX, name)
    return pdf_response("guard/print_request.html", {
        "p": form, "lang": form.lang, "printed_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "file_headers": printed.FILE_HEADERS, "approval_headers": printed.APPROVAL_HEADERS}, name)
