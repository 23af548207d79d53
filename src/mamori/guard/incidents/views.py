"""Incident pages: the list, recording, the clocks at a glance, findings, notices, the PPC report draft."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mamori.errors import WorkflowError
from mamori.guard.accounts.models import Role, User
from mamori.guard.incidents import services
from mamori.guard.incidents.clocks import known_on
from mamori.guard.incidents.forms import IncidentForm, NoticeForm, ReportedForm
from mamori.guard.incidents.models import Incident, NoticeBatch
from mamori.guard.ui.http import guarded
from mamori.i18n import message_of, said

VIEWERS = (Role.SECURITY_ADMIN, Role.AUDITOR, Role.SECTION_HEAD)


def _me(request: HttpRequest) -> User:
    return User.objects.get(pk=request.user.pk)


def _visible(user: User) -> QuerySet[Incident]:
    incidents = Incident.objects.select_related("department", "medium", "recorded_by")
    if user.role in (Role.SECURITY_ADMIN, Role.AUDITOR):
        return incidents.all()
    return incidents.filter(department__head=user)


def _aware(form: IncidentForm | ReportedForm, key: str) -> Any:
    value = form.cleaned_data.get(key)
    return timezone.make_aware(value) if value is not None and timezone.is_naive(value) else value


def _errors(form: IncidentForm | ReportedForm | NoticeForm) -> str:
    return "; ".join(f"{form.fields[k].label if k in form.fields else k}: {' '.join(str(m) for m in v)}"
                     for k, v in form.errors.items())


def _checked(form: IncidentForm | ReportedForm | NoticeForm) -> dict[str, Any]:
    """The form's values; WorkflowError (a 400 page naming each field) when it does not validate."""
    if not form.is_valid():
        raise WorkflowError(_errors(form))
    return dict(form.cleaned_data)


@require_GET
@guarded(*VIEWERS)
def incident_list(request: HttpRequest) -> HttpResponse:
    """Every incident the user may see, with where its clocks stand."""
    today = known_on(timezone.now())
    rows = [(i, services.status(i)) for i in _visible(_me(request))]
    return render(request, "guard/incidents.html", {"rows": rows, "today": today})


@require_http_methods(["GET", "POST"])
@guarded(Role.SECURITY_ADMIN)
def new_incident(request: HttpRequest) -> HttpResponse:
    """Record an incident as soon as it is known: the clocks start from the moment given."""
    form = IncidentForm(request.POST or None, initial={"discovered_at": timezone.localtime().replace(second=0)})
    if request.method == "POST":
        if not form.is_valid():
            return render(request, "guard/incident_new.html", {"form": form, "error": _errors(form)}, status=400)
        data = dict(form.cleaned_data)
        data["discovered_at"] = _aware(form, "discovered_at")
        try:
            incident = services.create(_me(request), **data)
        except WorkflowError as error:
            error_text = message_of(error, get_language() or "ja")
            return render(request, "guard/incident_new.html", {"form": form, "error": error_text}, status=400)
        return HttpResponseRedirect(f"/incidents/{incident.pk}/")
    return render(request, "guard/incident_new.html", {"form": form})


def _detail_context(request: HttpRequest, incident: Incident) -> dict[str, Any]:
    return {
        "incident": incident,
        "status": services.status(incident),
        "today": known_on(timezone.now()),
        "notices": NoticeBatch.objects.filter(incident=incident),
        "totals": services.notice_totals(incident),
        "edit": IncidentForm(initial={k: getattr(incident, k) for k in services.EDITABLE}
                             | {"department": incident.department, "medium": incident.medium}),
        "notice_form": NoticeForm(initial={"sent_on": known_on(timezone.now())}),
        "can_edit": getattr(request.user, "role", "") == Role.SECURITY_ADMIN,
    }


@require_GET
@guarded(*VIEWERS)
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One incident: why a report is due, the two clocks, the findings, the notices."""
    incident = get_object_or_404(_visible(_me(request)), pk=pk)
    return render(request, "guard/incident_detail.html", _detail_context(request, incident))


@require_POST
@guarded(Role.SECURITY_ADMIN)
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Change what is known (people affected, cause, measures …)."""
    incident = get_object_or_404(Incident, pk=pk)
    form = IncidentForm(request.POST)
    data = {k: v for k, v in _checked(form).items() if k in services.EDITABLE}
    data["discovered_at"] = _aware(form, "discovered_at")
    services.update(_me(request), incident, **data)
    return HttpResponseRedirect(f"/incidents/{pk}/")


@require_POST
@guarded(Role.SECURITY_ADMIN)
def reported(request: HttpRequest, pk: int) -> HttpResponse:
    """Record that the preliminary or final report went to the PPC."""
    incident = get_object_or_404(Incident, pk=pk)
    form = ReportedForm(request.POST)
    services.mark_reported(_me(request), incident, _checked(form)["kind"], _aware(form, "reported_at"))
    return HttpResponseRedirect(f"/incidents/{pk}/")


@require_POST
@guarded(Role.SECURITY_ADMIN)
def findings(request: HttpRequest, pk: int) -> HttpResponse:
    """Import an investigate findings.json: the people affected follow it."""
    incident = get_object_or_404(Incident, pk=pk)
    upload = request.FILES.get("findings")
    if upload is None:
        raise WorkflowError(said("error.incidents.choose_findings_json_that"))
    if upload.size is not None and upload.size > services.MAX_FINDINGS_BYTES:
        raise WorkflowError(said("error.incidents.findings_json_too_large"))
    services.import_findings(_me(request), incident, upload.read(services.MAX_FINDINGS_BYTES + 1))
    return HttpResponseRedirect(f"/incidents/{pk}/")


@require_POST
@guarded(Role.SECURITY_ADMIN)
def notices(request: HttpRequest, pk: int) -> HttpResponse:
    """Record one mailing of notices to the people affected."""
    incident = get_object_or_404(Incident, pk=pk)
    services.add_notices(_me(request), incident, **_checked(NoticeForm(request.POST)))
    return HttpResponseRedirect(f"/incidents/{pk}/")


@require_GET
@guarded(*VIEWERS)
def ppc_draft(request: HttpRequest, pk: int) -> HttpResponse:
    """The report to the PPC filled from the record (items of 施行規則 第44条 / 第8条), to print or copy."""
    incident = get_object_or_404(_visible(_me(request)), pk=pk)
    return render(request, "guard/incident_ppc.html", _detail_context(request, incident))
