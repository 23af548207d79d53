"""The organisation page: the hierarchy (部/課/係) and the deputies, with forms for those who may change them."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from mamori.errors import WorkflowError
from mamori.guard.accounts.models import Department, Role, User
from mamori.guard.organisation import services
from mamori.guard.organisation.models import Deputy, Level, Placement
from mamori.guard.ui.http import guarded
from mamori.i18n import said


def _me(request: HttpRequest) -> User:
    return User.objects.get(pk=request.user.pk)


@require_GET
@guarded(Role.SECURITY_ADMIN, Role.SECTION_HEAD, Role.AUDITOR)
def organisation(request: HttpRequest) -> HttpResponse:
    """Every department with its level, its parent, its head and its deputies."""
    placements = {p.department_id: p for p in Placement.objects.select_related("parent")}
    rows = [(d, placements.get(d.pk)) for d in Department.objects.select_related("head")]
    return render(request, "guard/organisation.html", {
        "rows": rows, "levels": Level.choices, "departments": Department.objects.all(),
        "deputies": Deputy.objects.select_related("department", "deputy", "appointed_by"),
        "today": timezone.localdate()})


@require_POST
@guarded(Role.SECURITY_ADMIN)
def place(request: HttpRequest, pk: int) -> HttpResponse:
    department = get_object_or_404(Department, pk=pk)
    parent_id = request.POST.get("parent") or ""
    parent = get_object_or_404(Department, pk=int(parent_id)) if parent_id.isdigit() else None
    services.set_parent(_me(request), department, parent, str(request.POST.get("level", "")))
    return HttpResponseRedirect("/organisation/")


@require_POST
@guarded(Role.SECURITY_ADMIN, Role.SECTION_HEAD)
def appoint(request: HttpRequest) -> HttpResponse:
    department = get_object_or_404(Department, pk=int(request.POST.get("department", "0") or 0))
    deputy = User.objects.filter(username=request.POST.get("deputy", "")).first()
    if deputy is None:
        raise WorkflowError(said("error.organisation.name_existing_user_as"))
    try:
        starts, ends = date.fromisoformat(request.POST["starts_on"]), date.fromisoformat(request.POST["ends_on"])
    except (KeyError, ValueError):
        raise WorkflowError(said("error.organisation.give_period_as_two")) from None
    services.appoint_deputy(_me(request), department, deputy, starts, ends, request.POST.get("reason", ""))
    return HttpResponseRedirect("/organisation/")


@require_POST
@guarded(Role.SECURITY_ADMIN, Role.SECTION_HEAD)
def revoke(request: HttpRequest, pk: int) -> HttpResponse:
    services.revoke_deputy(_me(request), get_object_or_404(Deputy, pk=pk))
    return HttpResponseRedirect("/organisation/")
