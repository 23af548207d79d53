"""An incident (a leak or a suspected one) and the notices sent to the people it affects."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db import models

from mamori.guard.accounts.models import Department, User
from mamori.guard.media.models import Medium


class Incident(models.Model):
    """What happened, since when the city knew, whom it affects, and when the PPC was told."""

    title: models.CharField[str, str] = models.CharField(max_length=200)
    department: models.ForeignKey[Department | None, Department | None] = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    department_id: int | None
    discovered_at: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    discovered_by: models.CharField[str, str] = models.CharField(max_length=200, blank=True)
    recorded_by: models.ForeignKey[User, User] = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="incidents_recorded")
    recorded_by_id: int
    description: models.TextField[str, str] = models.TextField()
    cause: models.TextField[str, str] = models.TextField(blank=True)
    medium: models.ForeignKey[Medium | None, Medium | None] = models.ForeignKey(
        Medium, null=True, blank=True, on_delete=models.SET_NULL, related_name="incidents")
    medium_id: int | None
    categories: models.JSONField[Any, Any] = models.JSONField(default=list)
    people_affected: models.IntegerField[int | None, int | None] = models.IntegerField(null=True, blank=True)
    special_care: models.BooleanField[bool, bool] = models.BooleanField(default=False)
    property_damage: models.BooleanField[bool, bool] = models.BooleanField(default=False)
    wrongful_purpose: models.BooleanField[bool, bool] = models.BooleanField(default=False)
    secondary_harm: models.TextField[str, str] = models.TextField(blank=True)
    public_announcement: models.TextField[str, str] = models.TextField(blank=True)
    prevention: models.TextField[str, str] = models.TextField(blank=True)
    # A summary of an imported investigate findings.json (counts and categories, no personal data).
    findings: models.JSONField[Any, Any] = models.JSONField(default=dict)
    preliminary_reported_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(
        null=True, blank=True)
    final_reported_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(
        null=True, blank=True)
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-discovered_at",)

    def __str__(self) -> str:
        return self.title


class NoticeBatch(models.Model):
    """One mailing of notices to the people affected, and what came of it (返戻, 問合せ)."""

    incident: models.ForeignKey[Incident, Incident] = models.ForeignKey(
        Incident, on_delete=models.CASCADE, related_name="notices")
    incident_id: int
    sent_on: models.DateField[date, date] = models.DateField()
    sent: models.PositiveIntegerField[int, int] = models.PositiveIntegerField()
    returned: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(default=0)
    answered: models.PositiveIntegerField[int, int] = models.PositiveIntegerField(default=0)
    note: models.CharField[str, str] = models.CharField(max_length=500, blank=True)
    recorded_by: models.ForeignKey[User, User] = models.ForeignKey(User, on_delete=models.PROTECT)
    recorded_by_id: int

    class Meta:
        ordering = ("sent_on", "pk")
