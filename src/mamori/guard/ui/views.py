"""Health check, language switch, the landing page and the app's own static files."""

from __future__ import annotations

from pathlib import Path

from django.db import connection
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.views.decorators.http import require_GET, require_POST
from django.views.static import serve

from mamori.errors import MamoriError
from mamori.guard.accounts.models import Role
from mamori.guard.auditlog.services import audit_log
from mamori.guard.ui.middleware import LANG_COOKIE

STATIC_ROOT = Path(__file__).parent / "static"


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 with the database and audit log status; 503 when either is not usable."""
    status: dict[str, object] = {"status": "ok"}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        status["database"] = "ok"
    except Exception as error:  # noqa: BLE001 - any database failure means "not healthy"
        status.update(status="error", database=type(error).__name__)
    try:
        log = audit_log()
        status["audit_entries"] = log.size
        if log.witness_problem:  # entries are safe, but the auditor's copy of the checkpoints is falling behind
            status["audit_witness"] = log.witness_problem
    except MamoriError as error:
        status.update(status="error", audit=str(error))
    return JsonResponse(status, status=200 if status["status"] == "ok" else 503)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Switch between Japanese and English (a cookie; the page reloads)."""
    lang = "en" if request.POST.get("lang") == "en" else "ja"
    back = request.POST.get("next", "/")
    response = HttpResponseRedirect(back if back.startswith("/") and not back.startswith("//") else "/")
    response.set_cookie(LANG_COOKIE, lang, max_age=365 * 86400, samesite="Strict", httponly=True)
    return response


def home(request: HttpRequest) -> HttpResponse:
    """Send each role to where its work is."""
    user = request.user
    if not user.is_authenticated:
        return HttpResponseRedirect("/login/")
    role = str(getattr(user, "role", ""))
    targets: dict[str, str] = {Role.SECTION_HEAD: "/queue/", Role.SECURITY_ADMIN: "/queue/", Role.AUDITOR: "/audit/"}
    target = targets.get(role, "/requests/")
    return HttpResponseRedirect(target)


def static(request: HttpRequest, path: str) -> HttpResponse | FileResponse:
    """Serve this app's CSS/JS (no separate web server or collectstatic needed)."""
    if ".." in path.split("/"):
        raise Http404
    return serve(request, path, document_root=str(STATIC_ROOT))
