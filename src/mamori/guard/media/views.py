"""The media register: list (administrators all, heads and auditors their scope), register, change state."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_http_methods, require_POST

from mamori.errors import WorkflowError
from mamori.guard.accounts.models import Role, User
from mamori.guard.media import services
from mamori.guard.media.forms import MediumForm, TransitionForm
from mamori.guard.media.models import Medium
from mamori.guard.ui.http import guarded
from mamori.i18n import said


def _visible(user: User) -> QuerySet[Medium]:
    media = Medium.objects.select_related("department", "holder")
    if user.role in (Role.SECURITY_ADMIN, Role.AUDITOR):
        return media.all()
    return media.filter(department__head=user)


@require_http_methods(["GET"])
@guarded(Role.SECTION_HEAD, Role.SECURITY_ADMIN, Role.AUDITOR)
def media_list(request: HttpRequest) -> HttpResponse:
    """Registered media with their state."""
    me = User.objects.get(pk=request.user.pk)
    return render(request, "guard/media.html", {"media": _visible(me), "form": MediumForm(),
                                                "transition": TransitionForm()})


@require_POST
@guarded(Role.SECURITY_ADMIN)
def register(request: HttpRequest) -> HttpResponse:
    """Add a medium to the register."""
    form = MediumForm(request.POST)
    if not form.is_valid():
        raise WorkflowError(said("error.media.fill_medium", fields="; ".join(
            f"{form.fields[k].label if k in form.fields else k}: {' '.join(str(m) for m in v)}"
            for k, v in form.errors.items())))
    services.register(User.objects.get(pk=request.user.pk), **form.cleaned_data)
    return HttpResponseRedirect("/media/")


@require_POST
@guarded(Role.SECURITY_ADMIN)
def transition(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a medium along its life cycle (lend, return, wipe, lose, retire)."""
    medium = get_object_or_404(Medium, pk=pk)
    form = TransitionForm(request.POST)
    if not form.is_valid():
        raise WorkflowError(said("error.media.choose_state"))
    holder = None
    if form.cleaned_data["holder"]:
        holder = User.objects.filter(username=form.cleaned_data["holder"]).first()
        if holder is None:
            raise WorkflowError(said("error.media.no_user", holder=form.cleaned_data['holder']))
    services.transition(User.objects.get(pk=request.user.pk), medium, form.cleaned_data["state"], holder,
                        form.cleaned_data["note"])
    return HttpResponseRedirect("/media/")


@require_http_methods(["GET"])
@guarded(Role.SECTION_HEAD, Role.SECURITY_ADMIN, Role.AUDITOR)
def ledger_view(request: HttpRequest, fmt: str) -> HttpResponse:
    """媒体管理台帳 (the media the user may see, with their history) as a PDF to print or an XLSX."""
    from django.utils import timezone

    from mamori.guard.media import ledger
    from mamori.guard.ui.printing import XLSX, binary_response, pdf_response

    lang = "en" if getattr(request, "LANGUAGE_CODE", "ja") == "en" else "ja"
    lines = ledger.ledger(_visible(User.objects.get(pk=request.user.pk)))
    name = f"媒体管理台帳_{timezone.localdate():%Y%m%d}.{fmt}"
    if fmt == "xlsx":
        return binary_response(ledger.workbook(lines, lang), XLSX, name)
    history = [(line.medium.label, event.time[:19].replace("T", " "), event.actor, ledger.event_text(event))
               for line in lines for event in line.history]
    return pdf_response("guard/print_ledger.html", {
        "lang": lang, "printed_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "headers": ledger.LEDGER_HEADERS, "history_headers": ledger.HISTORY_HEADERS,
        "rows": [line.cells(lang) for line in lines], "history": history}, name)
