"""People rules: creating users and departments, roles, and the log-in checks with throttling."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from mamori.errors import PermissionDenied, WorkflowError
from mamori.guard.accounts import throttle, totp
from mamori.guard.accounts.directory import DirectoryUnavailable
from mamori.guard.accounts.models import TOTP_ROLES, Department, Role, User
from mamori.guard.auditlog.services import record
from mamori.i18n import said


class AuthenticationFailed(PermissionDenied):
    """Wrong user name, password or code (the message never says which)."""


class LoginThrottled(PermissionDenied):
    """Too many recent failures from this source or for this name: wait before the next attempt."""

    def __init__(self, seconds: int) -> None:
        super().__init__(said("error.accounts.throttled", seconds=seconds))
        self.seconds = seconds


def require_role(user: User, *roles: str) -> None:
    """Raise PermissionDenied unless `user` has one of `roles`."""
    if not user.is_active or user.role not in roles:
        raise PermissionDenied(said("error.accounts.needs_role", roles=" or ".join(roles)))


def create_department(actor: User, code: str, name: str) -> Department:
    """A new department (security administrators only)."""
    require_role(actor, Role.SECURITY_ADMIN)
    code, name = code.strip(), name.strip()
    if not code or not name:
        raise WorkflowError(said("error.accounts.department_needs_code_name"))
    with transaction.atomic():
        if Department.objects.filter(code=code).exists():
            raise WorkflowError(said("error.accounts.department_already_exists", code=code))
        department = Department.objects.create(code=code, name=name)
        record(actor.username, "department.created", "department", department.pk, code=code, name=name)
    return department


def create_user(
    actor: User | None, username: str, role: str, department: Department | None, display_name: str = ""
) -> tuple[User, str]:
    """A new user with a one-time password (returned once); `actor` None only for `guard init`."""
    if actor is not None:
        require_role(actor, Role.SECURITY_ADMIN)
    username = username.strip()
    if not username or len(username) > 150:
        raise WorkflowError(said("error.accounts.user_name_1_150"))
    if role not in Role.values:
        raise WorkflowError(said("error.accounts.unknown_role_choose_one",
                                 role=repr(role), value2=', '.join(Role.values)))
    password = secrets.token_urlsafe(15)
    with transaction.atomic():
        if User.objects.filter(username=username).exists():
            raise WorkflowError(said("error.accounts.user_already_exists", username=username))
        user = User(username=username, role=role, department=department, display_name=display_name.strip(),
                    must_change_password=True, totp_secret=totp.new_secret() if role in TOTP_ROLES else "")
        user.set_password(password)
        user.save()
        record(actor.username if actor else "system", "user.created", "user", user.username,
               role=role, department=department.code if department else None)
    return user, password


def set_role(actor: User, user: User, role: str) -> User:
    """Change `user`'s role (security administrators; never their own); enrols TOTP when the role needs it."""
    require_role(actor, Role.SECURITY_ADMIN)
    if actor.pk == user.pk:
        raise PermissionDenied(said("error.accounts.nobody_changes_their_own"))
    if role not in Role.values:
        raise WorkflowError(said("error.accounts.unknown_role", role=repr(role)))
    with transaction.atomic():
        old = user.role
        user.role = role
        if role in TOTP_ROLES and not user.totp_secret:
            user.totp_secret = totp.new_secret()
        user.save(update_fields=["role", "totp_secret"])
        record(actor.username, "user.role_changed", "user", user.username, old=old, new=role)
    return user


def set_head(actor: User, department: Department, head: User) -> Department:
    """Make `head` (a section head of that department) the department's head."""
    require_role(actor, Role.SECURITY_ADMIN)
    if head.role != Role.SECTION_HEAD or head.department_id != department.pk:
        raise WorkflowError(said("error.accounts.head_section_head_that"))
    with transaction.atomic():
        department.head = head
        department.save(update_fields=["head"])
        record(actor.username, "department.head_set", "department", department.pk, head=head.username)
    return department


def _refuse_if_throttled(username: str, ip: str, step: str) -> None:
    refusal = throttle.check(ip, username)
    if refusal is not None:
        record(username[:150], "login.throttled", "user", "", step=step, ip=ip, waits_for=refusal.kind,
               seconds=refusal.seconds)
        raise LoginThrottled(refusal.seconds)


def register_failure(username: str, step: str, ip: str = "", **details: Any) -> None:
    """Count a failed log-in step for the source and the typed name; audit it with the back-off it starts."""
    waits = throttle.fail(ip, username)
    record(username[:150], "login.failed", "user", "", step=step, ip=ip, backoff_source=waits["source"],
           backoff_account=waits["account"], **details)


def check_password(username: str, password: str, ip: str = "") -> User:
    """The user whose password this is; AuthenticationFailed / LoginThrottled otherwise.

    Unknown names take the same path as known ones: the same throttling, the same hashing work and the
    same answer, so neither the message nor its timing says whether a name exists.
    """
    _refuse_if_throttled(username, ip, "password")
    user = User.objects.filter(username=username).first()
    if (user is None or not user.has_usable_password()) and settings.MAMORI_DIRECTORY is not None:
        return _check_directory(username, password, ip)
    if user is None:
        make_password(password)  # same work as a real check, so timing does not reveal user names
        register_failure(username, "password", ip, reason="unknown user")
        raise AuthenticationFailed(said("error.accounts.wrong_password"))
    if not user.check_password(password) or not user.is_active:
        register_failure(username, "password", ip)
        raise AuthenticationFailed(said("error.accounts.wrong_password"))
    return user


def _check_directory(username: str, password: str, ip: str) -> User:
    """A directory user's password is checked by the directory (local accounts never reach here)."""
    from mamori.guard.accounts import directory_login

    try:
        user = directory_login.authenticate(username, password)
    except DirectoryUnavailable as failure:
        # Not the user's mistake: audited for the administrators, not counted against the name or the source.
        record(username[:150], "login.directory_unavailable", "user", "", ip=ip, reason=str(failure)[:300])
        raise
    if user is None or not user.is_active:
        register_failure(username, "password", ip, source="directory")
        raise AuthenticationFailed("wrong user name or password")
    return user


def check_totp(user: User, code: str, ip: str = "") -> None:
    """Accept the user's TOTP code once (replays refused); failures are throttled like passwords."""
    _refuse_if_throttled(user.username, ip, "totp")
    if not user.totp_secret:
        raise AuthenticationFailed(said("error.accounts.no_second_factor"))
    if not totp.consume(user, code):
        register_failure(user.username, "totp", ip)
        raise AuthenticationFailed(said("error.accounts.wrong_code"))


def logged_in(user: User, ip: str = "") -> None:
    """Record a completed log-in and clear the failure counters of its source and name."""
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(failed_logins=0, locked_until=None, last_login=timezone.now())
        throttle.succeeded(ip, user.username)
        record(user.username, "login.succeeded", "user", user.username, ip=ip, second_factor=user.needs_totp)


def change_password(user: User, new_password: str) -> None:
    """Set a new password (validated by the configured validators) and clear the must-change flag."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(new_password, user)
    except ValidationError as exc:
        raise WorkflowError(" ".join(str(m) for m in exc.messages)) from exc
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        record(user.username, "user.password_changed", "user", user.username)
