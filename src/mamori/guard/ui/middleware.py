"""Security headers (CSP), the session idle/absolute time-outs, and the ja/en language choice."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import translation

CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
LANG_COOKIE = "mamori_lang"
AUTH_AT = "_mamori_auth_at"
SEEN_AT = "_mamori_seen_at"
_EXEMPT_PASSWORD = ("/password/", "/logout/", "/static/", "/healthz", "/lang/")
_EXEMPT_ENROL = ("/totp/enrol/", "/logout/", "/static/", "/healthz", "/lang/")
_TOTP_ROLES = frozenset({"section_head", "security_admin", "auditor"})  # accounts.models.TOTP_ROLES

Handler = Callable[[HttpRequest], HttpResponse]


class ContentSecurityPolicyMiddleware:
    """A strict CSP on every response: only this origin's scripts and styles, no inline code, no framing."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), usb=()")
        if request.user.is_authenticated if hasattr(request, "user") else False:
            response.headers.setdefault("Cache-Control", "no-store")
        return response


class LanguageMiddleware:
    """Japanese unless the user chose English (cookie set by /lang/)."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        lang = "en" if request.COOKIES.get(LANG_COOKIE) == "en" else "ja"
        request.LANGUAGE_CODE = lang
        with translation.override(lang):
            return self.get_response(request)


def mark_authenticated(request: HttpRequest) -> None:
    """Start the absolute and idle clocks of a fresh log-in."""
    now = int(time.time())
    request.session[AUTH_AT] = now
    request.session[SEEN_AT] = now


class SessionTimeoutMiddleware:
    """Log out after MAMORI_IDLE_SECONDS without a request or MAMORI_ABSOLUTE_SECONDS after log-in."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            now = int(time.time())
            auth_at = request.session.get(AUTH_AT)
            seen_at = request.session.get(SEEN_AT)
            if not isinstance(auth_at, int) or not isinstance(seen_at, int):
                auth_at = seen_at = 0  # a session without our clocks is treated as expired
            if now - seen_at > settings.MAMORI_IDLE_SECONDS or now - auth_at > settings.MAMORI_ABSOLUTE_SECONDS:
                logout(request)
                if request.path.startswith("/api/"):
                    return self.get_response(request)
                return HttpResponseRedirect(f"{settings.LOGIN_URL}?expired=1")
            if now - seen_at >= 60:  # write the session at most once a minute
                request.session[SEEN_AT] = now
            if getattr(request.user, "must_change_password", False) and not request.path.startswith(
                    _EXEMPT_PASSWORD):
                return HttpResponseRedirect("/password/")
            if (getattr(request.user, "role", "") in _TOTP_ROLES and not getattr(request.user, "totp_secret", "x")
                    and not request.path.startswith(_EXEMPT_ENROL)):
                return HttpResponseRedirect("/totp/enrol/")  # a directory user's first log-in in a TOTP role
        return self.get_response(request)
