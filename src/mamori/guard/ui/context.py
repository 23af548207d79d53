"""Template context shared by every page: the language and the user's role."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def guard(request: HttpRequest) -> dict[str, Any]:
    """`lang` and `role` for the templates."""
    user = getattr(request, "user", None)
    return {
        "lang": getattr(request, "LANGUAGE_CODE", "ja"),
        "role": getattr(user, "role", "") if user is not None and user.is_authenticated else "",
    }
