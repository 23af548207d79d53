"""View helpers: workflow errors become 403/409/400 pages, roles are checked before a view runs."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import render
from django.utils.translation import get_language, gettext

from mamori.errors import InvalidTransition, MamoriError, PermissionDenied
from mamori.i18n import message_of

View = TypeVar("View", bound=Callable[..., HttpResponseBase])


def error_page(request: HttpRequest, status: int, message: str) -> HttpResponse:
    """A plain error page with `status` and a message saying what happened."""
    title = {403: "forbidden", 404: "not_found", 409: "conflict"}.get(status, "bad_request")
    return render(request, "guard/error.html", {"title": title, "message": message}, status=status)


def status_of(error: MamoriError) -> int:
    """HTTP status for a domain error."""
    if isinstance(error, PermissionDenied):
        return 403
    if isinstance(error, InvalidTransition):
        return 409
    return 400


def guarded(*roles: str) -> Callable[[View], View]:
    """Require a logged-in user (with one of `roles` when given); turn MamoriError into an error page."""

    def wrap(view: View) -> View:
        @functools.wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if roles and getattr(user, "role", None) not in roles:
                return error_page(request, 403, gettext("ui.not_your_role"))
            try:
                return view(request, *args, **kwargs)
            except MamoriError as error:
                return error_page(request, status_of(error), message_of(error, get_language() or "ja"))

        return cast(View, inner)

    return wrap


def client_ip(request: HttpRequest) -> str:
    """The peer address (proxies are not trusted for this)."""
    return str(request.META.get("REMOTE_ADDR", ""))[:64]
