"""Pages about endpoints: the list (last seen, policy applied, events queued), device events per endpoint
and per medium. Security administrators and auditors see every endpoint; section heads their department's."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from mamori.guard.accounts.models import Role, User
from mamori.guard.api.models import DeviceEvent, Endpoint
from mamori.guard.exports.models import Grant
from mamori.guard.media.models import Medium
from mamori.guard.ui.http import guarded

_LIMIT = 500
VIEWERS = (Role.SECTION_HEAD, Role.SECURITY_ADMIN, Role.AUDITOR)


def visible_endpoints(user: User) -> QuerySet[Endpoint]:
    """Endpoints `user` may see."""
    endpoints = Endpoint.objects.select_related("department")
    if user.role in (Role.SECURITY_ADMIN, Role.AUDITOR):
        return endpoints.all()
    return endpoints.filter(department__head=user)


def visible_media(user: User) -> QuerySet[Medium]:
    """Media `user` may see (as on the media page)."""
    if user.role in (Role.SECURITY_ADMIN, Role.AUDITOR):
        return Medium.objects.all()
    return Medium.objects.filter(department__head=user)


@dataclass(frozen=True)
class EventRow:
    """One device event as a page shows it: the refusal reason in words, the other details as text."""

    event: DeviceEvent
    reason: str
    details: str


def rows_of(request: HttpRequest, events: Iterable[DeviceEvent]) -> list[EventRow]:
    """Events with their refusal reason in the page's language (the agent sends a code and both sentences)."""
    english = getattr(request, "LANGUAGE_CODE", "ja") == "en"
    rows = []
    for event in events:
        details = dict(event.details) if isinstance(event.details, dict) else {}
        code = str(details.pop("reason", ""))
        ja, en = str(details.pop("message", "")), str(details.pop("message_en", ""))
        reason = (en if english else ja) or code
        text = " · ".join(f"{key}: {value}" for key, value in sorted(details.items()))
        rows.append(EventRow(event, reason, text))
    return rows


def _me(request: HttpRequest) -> User:
    return User.objects.get(pk=request.user.pk)


@require_GET
@guarded(*VIEWERS)
def endpoint_list(request: HttpRequest) -> HttpResponse:
    """Every visible endpoint with when it was last seen, which policy it applied and what it still queues."""
    endpoints = visible_endpoints(_me(request)).annotate(events=Count("deviceevent")).order_by("name")
    return render(request, "guard/endpoints.html", {"endpoints": endpoints})


@require_GET
@guarded(*VIEWERS)
def endpoint_events(request: HttpRequest, pk: int) -> HttpResponse:
    """The device events one endpoint reported, newest first."""
    endpoint = get_object_or_404(visible_endpoints(_me(request)), pk=pk)
    events = rows_of(request, DeviceEvent.objects.filter(endpoint=endpoint).select_related("endpoint")[:_LIMIT])
    written = Grant.objects.filter(redeemed_by=f"endpoint:{endpoint.name}").select_related("request")[:_LIMIT]
    return render(request, "guard/device_events.html", {"title": endpoint.name, "endpoint": endpoint,
                                                        "events": events, "written": written})


@require_GET
@guarded(*VIEWERS)
def medium_events(request: HttpRequest, pk: int) -> HttpResponse:
    """The device events about one medium (by vendor, product and serial) and the exports written to it."""
    medium = get_object_or_404(visible_media(_me(request)), pk=pk)
    same = Q(vendor_id=medium.vendor_id, product_id=medium.product_id, serial=medium.serial)
    events = rows_of(request, DeviceEvent.objects.filter(same).select_related("endpoint")[:_LIMIT])
    written = Grant.objects.filter(request__medium=medium, redeemed_at__isnull=False).select_related("request")
    return render(request, "guard/device_events.html", {"title": str(medium), "medium": medium,
                                                        "events": events, "written": written[:_LIMIT]})
