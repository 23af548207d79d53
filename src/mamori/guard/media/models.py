"""Approved external media (USB storage) and their life-cycle state."""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils.translation import gettext_lazy as _

from mamori.guard.accounts.models import Department, User


class MediumState(models.TextChoices):
    """Where a medium is in its life."""

    REGISTERED = "registered", _("choice.medium.registered")
    LENT = "lent", _("choice.medium.lent")
    RETURNED = "returned", _("choice.medium.returned")
    WIPED = "wiped", _("choice.medium.wiped")
    LOST = "lost", _("choice.medium.lost")
    RETIRED = "retired", _("choice.medium.retired")


class Medium(models.Model):
    """One approved medium, identified by USB vendor id, product id and serial number."""

    vendor_id: models.CharField[str, str] = models.CharField(max_length=4)
    product_id: models.CharField[str, str] = models.CharField(max_length=4)
    serial: models.CharField[str, str] = models.CharField(max_length=128)
    capacity_bytes: models.BigIntegerField[int, int] = models.BigIntegerField(default=0)
    label: models.CharField[str, str] = models.CharField(max_length=200)
    department: models.ForeignKey[Department, Department] = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="media"
    )
    department_id: int
    encrypted: models.BooleanField[bool, bool] = models.BooleanField(default=False)
    state: models.CharField[str, str] = models.CharField(
        max_length=12, choices=MediumState.choices, default=MediumState.REGISTERED
    )
    holder: models.ForeignKey[User | None, User | None] = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.PROTECT, related_name="held_media"
    )
    holder_id: int | None
    registered_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)
    changed_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("department__code", "label")
        constraints = (
            models.UniqueConstraint(fields=("vendor_id", "product_id", "serial"), name="medium_identity_unique"),
        )

    def __str__(self) -> str:
        return f"{self.label} ({self.vendor_id}:{self.product_id} {self.serial})"

    def identity(self) -> dict[str, str]:
        """What an endpoint can read from the device: vendor, product, serial."""
        return {"vendor_id": self.vendor_id, "product_id": self.product_id, "serial": self.serial}


class PolicyRevision(models.Model):
    """One version of the media policy endpoints enforce: a new row on every change of the register.

    The id is the policy version (auto-increment never reuses a number, so versions only grow); `digest`
    is the SHA-256 of the register as it was, so a change made behind the services' back (a bulk update)
    is noticed and versioned on the next policy request.
    """

    id: models.BigAutoField[int, int] = models.BigAutoField(primary_key=True)
    digest: models.CharField[str, str] = models.CharField(max_length=64)
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("-id",)

    def __str__(self) -> str:
        return f"media policy v{self.id}"
