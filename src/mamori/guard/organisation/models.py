"""Where a department sits (its parent 部, its level) and who deputises for its head when."""

from __future__ import annotations

from datetime import date, datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from mamori.guard.accounts.models import Department, User


class Level(models.TextChoices):
    BU = "bu", _("choice.level.bu")
    KA = "ka", _("choice.level.ka")
    KAKARI = "kakari", _("choice.level.kakari")


class Placement(models.Model):
    """A department's place in the hierarchy: the unit above it (a 課's 部) and its level."""

    department: models.OneToOneField[Department, Department] = models.OneToOneField(
        Department, on_delete=models.CASCADE, related_name="placement")
    department_id: int
    parent: models.ForeignKey[Department | None, Department | None] = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="child_placements")
    parent_id: int | None
    level: models.CharField[str, str] = models.CharField(max_length=8, choices=Level.choices, default=Level.KA)


class Deputy(models.Model):
    """Someone who approves in the head's place (代理承認) from `starts_on` to `ends_on`, with their own TOTP."""

    department: models.ForeignKey[Department, Department] = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="deputies")
    department_id: int
    deputy: models.ForeignKey[User, User] = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="deputising")
    deputy_id: int
    starts_on: models.DateField[date, date] = models.DateField()
    ends_on: models.DateField[date, date] = models.DateField()
    reason: models.CharField[str, str] = models.CharField(max_length=300, blank=True)
    appointed_by: models.ForeignKey[User, User] = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="deputies_appointed")
    appointed_by_id: int
    revoked: models.BooleanField[bool, bool] = models.BooleanField(default=False)
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("department__code", "starts_on")
