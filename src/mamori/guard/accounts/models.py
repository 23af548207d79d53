"""Departments (所属) and users with a role, an optional/mandatory TOTP secret and lock-out state."""

from __future__ import annotations

from datetime import datetime

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """What a user may do; heads, administrators and auditors must use TOTP."""

    EMPLOYEE = "employee", _("choice.role.employee")
    SECTION_HEAD = "section_head", _("choice.role.section_head")
    SECURITY_ADMIN = "security_admin", _("choice.role.security_admin")
    AUDITOR = "auditor", _("choice.role.auditor")


TOTP_ROLES = frozenset({Role.SECTION_HEAD, Role.SECURITY_ADMIN, Role.AUDITOR})


class Department(models.Model):
    """A section of the organisation; its head approves its members' exports."""

    code: models.CharField[str, str] = models.CharField(max_length=32, unique=True)
    name: models.CharField[str, str] = models.CharField(max_length=200)
    head: models.ForeignKey[User | None, User | None] = models.ForeignKey(
        "accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="headed_departments"
    )
    head_id: int | None

    class Meta:
        ordering = ("code",)

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class User(AbstractUser):
    """An employee with a department and one role."""

    display_name: models.CharField[str, str] = models.CharField(max_length=200, blank=True)
    department: models.ForeignKey[Department | None, Department | None] = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="members"
    )
    department_id: int | None
    role: models.CharField[str, str] = models.CharField(max_length=20, choices=Role.choices, default=Role.EMPLOYEE)
    totp_secret: models.CharField[str, str] = models.CharField(max_length=64, blank=True)
    # The last TOTP time step accepted: a code is never accepted twice (replay protection).
    totp_last_step: models.BigIntegerField[int, int] = models.BigIntegerField(default=-1)
    failed_logins: models.IntegerField[int, int] = models.IntegerField(default=0)
    locked_until: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(null=True, blank=True)
    must_change_password: models.BooleanField[bool, bool] = models.BooleanField(default=False)

    @property
    def needs_totp(self) -> bool:
        """Heads, administrators and auditors always; employees once they have enrolled."""
        return self.role in TOTP_ROLES or bool(self.totp_secret)

    @property
    def label(self) -> str:
        """The name to show."""
        return self.display_name or self.username


class LoginThrottle(models.Model):
    """Recent log-in failures of one source address or one typed name (keyed hash), and its back-off."""

    key: models.CharField[str, str] = models.CharField(max_length=80, unique=True)
    failures: models.IntegerField[int, int] = models.IntegerField(default=0)
    last_failure_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(db_index=True)
    blocked_until: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(
        null=True, blank=True)
