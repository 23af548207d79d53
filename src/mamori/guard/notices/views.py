"""The notices page (security administrators): how mail is set up, and what was sent or could not be."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from mamori.guard.accounts.models import Role
from mamori.guard.notices.mail import enabled
from mamori.guard.notices.models import Notice
from mamori.guard.ui.http import guarded


@require_GET
@guarded(Role.SECURITY_ADMIN)
def notices(request: HttpRequest) -> HttpResponse:
    server = f"{settings.EMAIL_HOST}:{settings.EMAIL_PORT}" + (" (STARTTLS)" if settings.EMAIL_USE_TLS else "")
    return render(request, "guard/notices.html", {
        "enabled": enabled(), "server": server, "sender": settings.DEFAULT_FROM_EMAIL,
        "base_url": settings.MAMORI_BASE_URL, "home": settings.MAMORI_HOME,
        "sent": Notice.objects.order_by("-created_at", "-pk")[:200]})
