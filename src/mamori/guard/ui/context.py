"""Template context shared by every page: the language, the user's role, departments that have no head."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


def guard(request: HttpRequest) -> dict[str, Any]:
    """`lang`, `role` and `headless_departments` for the templates."""
    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    return {
        "lang": getattr(request, "LANGUAGE_CODE", "ja"),
        "role": getattr(user, "role", "") if signed_in else "",
        "headless_departments": _headless(user) if signed_in else [],
        "deputising": signed_in and _deputising(user),
    }


def _deputising(user: Any) -> bool:
    """Whether an employee or auditor approves for a head today (heads and administrators see the queue anyway)."""
    if user.role in ("section_head", "security_admin"):
        return False
    from mamori.guard.organisation.services import deputised_departments

    return bool(deputised_departments(user))


def _headless(user: Any) -> list[str]:
    """Departments whose requests would reach nobody: all of them for administrators, one's own for others."""
    from mamori.guard.accounts.models import Department, Role

    departments = Department.objects.filter(head__isnull=True)
    if user.role != Role.SECURITY_ADMIN:
        departments = departments.filter(pk=user.department_id) if user.department_id else departments.none()
    return [str(d) for d in departments[:20]]
