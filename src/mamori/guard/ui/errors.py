"""Django's error handlers, rendered with the guard's layout (or plain when templates cannot run)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.utils.translation import gettext

from mamori.guard.ui.http import error_page


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, 400, gettext("ui.bad_request"))


def forbidden(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, 403, gettext("ui.forbidden"))


def not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    return error_page(request, 404, gettext("ui.not_found"))


def server_error(request: HttpRequest) -> HttpResponse:
    return HttpResponseServerError("internal error; it has been logged", content_type="text/plain; charset=utf-8")
