"""Register pages: the entries of a department with the scans' mismatches, one entry's history, scanner
tokens; and the push endpoint of ``mamori find --push``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mamori.detect.categories import SPECIAL_CARE
from mamori.errors import MamoriError, PermissionDenied, WorkflowError
from mamori.guard.accounts.models import Department, Role, User
from mamori.guard.api.views import _status, api_error
from mamori.guard.register import ingest, services
from mamori.guard.register.compare import compare
from mamori.guard.register.forms import EntryForm
from mamori.guard.register.models import EntryVersion, FileEntry, ScannerToken
from mamori.guard.ui.http import guarded

MAX_PUSH_BYTES = 16 * 1024 * 1024


def _me(request: HttpRequest) -> User:
    return User.objects.get(pk=request.user.pk)


def _department(request: HttpRequest, user: User) -> Department | None:
    visible = services.visible_departments(user)
    wanted = request.GET.get("department", "")
    if wanted.isdigit():
        return get_object_or_404(visible, pk=int(wanted))
    own = visible.filter(pk=user.department_id).first() if user.department_id else None
    return own or visible.first()


def _number(value: str | None) -> int:
    """A posted id; 0 (found nowhere: a 404) when it is not a number."""
    return int(value) if value and value.isdigit() and len(value) < 19 else 0


def _errors(form: EntryForm) -> str:
    return "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in form.errors.items())


@require_GET
@guarded()
def register_page(request: HttpRequest) -> HttpResponse:
    """A department's register (the official columns) and where it disagrees with the share scans."""
    user = _me(request)
    department = _department(request, user)
    if department is None:
        raise PermissionDenied("you belong to no department: ask a security administrator")
    entries = FileEntry.objects.filter(department=department)
    return render(request, "guard/register.html", {
        "department": department, "departments": services.visible_departments(user), "entries": entries,
        "comparison": compare(department), "can_edit": services.can_edit(user, department),
        "form": EntryForm(initial={"organ": str(department.name), "disclosure_office": ""}),
        "special_ids": SPECIAL_CARE,
    })


@require_POST
@guarded(Role.SECTION_HEAD, Role.SECURITY_ADMIN)
def new_entry(request: HttpRequest) -> HttpResponse:
    """Record a new entry in a department's register."""
    user = _me(request)
    department = get_object_or_404(services.visible_departments(user), pk=_number(request.POST.get("department")))
    form = EntryForm(request.POST)
    if not form.is_valid():
        raise WorkflowError(_errors(form))
    entry = services.create_entry(user, department, **form.values())
    return HttpResponseRedirect(f"/register/{entry.pk}/")


def _visible_entry(user: User, pk: int) -> FileEntry:
    return get_object_or_404(FileEntry.objects.filter(department__in=services.visible_departments(user)), pk=pk)


@require_http_methods(["GET", "POST"])
@guarded()
def entry_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One entry, every version it had (who, when, which columns), and its edit form."""
    user = _me(request)
    entry = _visible_entry(user, pk)
    if request.method == "POST":
        form = EntryForm(request.POST)
        if not form.is_valid():
            raise WorkflowError(_errors(form))
        services.update_entry(user, entry, **form.values())
        return HttpResponseRedirect(f"/register/{pk}/")
    initial: dict[str, Any] = services.snapshot(entry) | {"locations": "\n".join(entry.locations)}
    return render(request, "guard/register_entry.html", {
        "entry": entry, "versions": EntryVersion.objects.filter(entry=entry).select_related("changed_by"),
        "can_edit": services.can_edit(user, entry.department) and not entry.retired,
        "form": EntryForm(initial=initial)})


@require_POST
@guarded(Role.SECTION_HEAD, Role.SECURITY_ADMIN)
def retire(request: HttpRequest, pk: int) -> HttpResponse:
    """The file is no longer kept: the entry is retired (kept, with its history)."""
    user = _me(request)
    services.retire_entry(user, _visible_entry(user, pk), request.POST.get("reason", ""))
    return HttpResponseRedirect(f"/register/{pk}/")


@require_http_methods(["GET", "POST"])
@guarded(Role.SECURITY_ADMIN)
def tokens(request: HttpRequest) -> HttpResponse:
    """Scanner tokens per department: issue one (shown once) or revoke one."""
    user = _me(request)
    issued = None
    if request.method == "POST":
        if "revoke" in request.POST:
            services.revoke_token(user, get_object_or_404(ScannerToken, pk=_number(request.POST.get("revoke"))))
        else:
            department = get_object_or_404(Department, pk=_number(request.POST.get("department")))
            _, issued = services.issue_token(user, department, request.POST.get("name", ""))
    return render(request, "guard/register_tokens.html", {
        "tokens": ScannerToken.objects.select_related("department", "issued_by"),
        "departments": Department.objects.all(), "issued": issued}, status=201 if issued else 200)


@csrf_exempt
def push(request: HttpRequest) -> HttpResponse:
    """``POST /api/register/scans``: one batch of ``mamori find --push`` (scanner bearer token)."""
    try:
        scanner = ingest.authenticate(request.headers.get("Authorization"))
    except MamoriError as error:
        return api_error(*_status(error), str(error))
    if request.method != "POST":
        response = api_error(405, "method_not_allowed", "use POST")
        response["Allow"] = "POST"
        return response
    length = request.META.get("CONTENT_LENGTH") or "0"
    if not length.isdigit() or int(length) > MAX_PUSH_BYTES:
        return api_error(413, "too_large", f"a batch is at most {MAX_PUSH_BYTES // 1024 // 1024} MiB")
    try:
        status, answer = ingest.receive(scanner, request.body)
    except RequestDataTooBig:
        return api_error(413, "too_large", "the request body is too large")
    except MamoriError as error:
        return api_error(*_status(error), str(error))
    return JsonResponse(answer, status=status)
