"""Log-in against the directory (django-auth-ldap over python-ldap): the user is created or updated each time.

The directory's groups give the role and the department (accounts/directory.py maps them); a section head
becomes their department's head when it has none, and stops being head of a department that is no longer
theirs. An unreachable or misconfigured directory raises DirectoryUnavailable instead of looking like a wrong
password. Imported only when a directory is configured, so python-ldap is needed only then.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import ldap
from django.conf import settings
from django.db import transaction
from django_auth_ldap.backend import LDAPBackend, _LDAPUser, ldap_error, populate_user

from mamori.guard.accounts.directory import DirectoryConfig, DirectoryUnavailable
from mamori.guard.accounts.models import Department, Role, User
from mamori.guard.auditlog.services import record

log = logging.getLogger(__name__)
_UNREACHABLE = (ldap.SERVER_DOWN, ldap.TIMEOUT, ldap.CONNECT_ERROR)


class DirectoryBackend(LDAPBackend):  # type: ignore[misc]  # django-auth-ldap ships no types
    """django-auth-ldap's backend with mamori's settings (AUTH_LDAP_* built by ldap_settings.py)."""

    def get_or_build_user(self, username: str, ldap_user: Any) -> tuple[User, bool]:
        user, built = super().get_or_build_user(username, ldap_user)
        if not built and user.has_usable_password():
            # A local account (the break-glass administrator…) is never taken over by a directory entry whose
            # name differs only in case: that would hand its role to whoever holds the directory password.
            raise _LDAPUser.AuthenticationFailed(f"{user.username} is a local account")
        return user, built


def _config() -> DirectoryConfig:
    config: DirectoryConfig | None = getattr(settings, "MAMORI_DIRECTORY", None)
    if config is None:
        raise DirectoryUnavailable("no directory is configured (MAMORI_LDAP_URI)", unreachable=False)
    return config


def _on_error(sender: Any, context: str, exception: Exception, **_: Any) -> None:
    """django-auth-ldap logs LDAP errors and answers 'no such user'; mamori says what happened instead."""
    unreachable = isinstance(exception, _UNREACHABLE)
    detail = exception.args[0] if exception.args and isinstance(exception.args[0], dict) else {}
    text = str(detail.get("desc", exception)) + (f" ({detail['info']})" if detail.get("info") else "")
    raise DirectoryUnavailable(f"directory {context}: {text}", unreachable) from exception


def _on_populate(sender: Any, user: User, ldap_user: Any, **_: Any) -> None:
    """Role, department, name and mail from the directory (before django-auth-ldap saves the user)."""
    config = _config()
    groups: set[str] = set(ldap_user.group_dns) if config.group_base else set()
    changes: dict[str, Any] = {}
    role = config.role_for(groups)
    if role != user.role:
        changes["role"] = (user.role, role)
        user.role = role
    code = config.department_for(groups)
    if code is not None:
        department = Department.objects.filter(code=code).first()
        if department is None:
            log.warning("directory group of department %s maps to no department here: create it first", code)
        elif department.pk != user.department_id:
            old = Department.objects.filter(pk=user.department_id).values_list("code", flat=True).first()
            changes["department"] = (old, code)
            user.department = department
    user.must_change_password = False  # the directory owns the password
    user._directory_changes = changes  # type: ignore[attr-defined]  # read by authenticate() after the save


ldap_error.connect(_on_error, sender=DirectoryBackend, dispatch_uid="mamori-directory-error")
populate_user.connect(_on_populate, sender=DirectoryBackend, dispatch_uid="mamori-directory-populate")


def _fix_heads(user: User) -> None:
    """Only a section head heads their own department; an unheaded department gets its section head."""
    stale = Department.objects.filter(head=user)
    if user.role == Role.SECTION_HEAD and user.department_id:
        stale = stale.exclude(pk=user.department_id)
    for department in stale:
        Department.objects.filter(pk=department.pk).update(head=None)
        record("system", "department.head_cleared", "department", department.pk, head=user.username,
               source="directory")
    heads_own = user.role == Role.SECTION_HEAD and user.department_id
    if heads_own and Department.objects.filter(pk=user.department_id, head__isnull=True).update(head=user):
        record("system", "department.head_set", "department", user.department_id, head=user.username,
                   source="directory")


def authenticate(username: str, password: str) -> User | None:
    """The directory's user for this name and password (created or updated here), None when they do not match."""
    if not password:
        return None  # an empty password is an anonymous bind to LDAP: it must never count as a log-in
    with transaction.atomic():
        existed = User.objects.filter(username__iexact=username).exists()
        user = DirectoryBackend().authenticate(None, username=username, password=password)
        if user is None:
            return None
        assert isinstance(user, User)
        changes: dict[str, Any] = getattr(user, "_directory_changes", {})
        if not existed:
            record("system", "user.created", "user", user.username, role=user.role, source="directory",
                   department=user.department.code if user.department else None)
        elif changes:
            record("system", "user.changed", "user", user.username, source="directory",
                   **{k: f"{old} → {new}" for k, (old, new) in changes.items()})
        _fix_heads(user)
    return user


@dataclass(frozen=True)
class DirectoryView:
    """What the directory says of one person, and what mamori would make of it (nothing is changed)."""

    dn: str
    name: str
    mail: str
    groups: tuple[str, ...]
    role: str
    department: str | None


def describe(username: str) -> DirectoryView | None:
    """Look `username` up with the service account (for `mamori guard directory-check`); None when not found."""
    config = _config()
    # _LDAPUser is django-auth-ldap's own lookup (search, then groups) without creating a Django user.
    found = _LDAPUser(DirectoryBackend(), username=username)
    try:
        dn = found.dn
        if dn is None:
            return None
        attrs = found.attrs or {}
        groups = set(found.group_dns) if config.group_base else set()
    except ldap.LDAPError as exc:
        _on_error(DirectoryBackend, "lookup", exc)
        raise  # not reached: _on_error raises DirectoryUnavailable
    first = {key: (values[0] if values else "") for key, values in attrs.items()}
    return DirectoryView(dn=str(dn), name=str(first.get(config.name_attr, "")),
                         mail=str(first.get(config.mail_attr, "")), groups=tuple(sorted(groups)),
                         role=config.role_for(groups),
                         department=config.department_for(groups))
