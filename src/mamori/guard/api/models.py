"""Endpoints (where the agent runs) with hashed tokens, idempotent results and device events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models

from mamori.guard.accounts.models import Department


class Endpoint(models.Model):
    """A PC running the agent; its bearer token is stored only as a SHA-256 hash."""

    name: models.CharField[str, str] = models.CharField(max_length=200, unique=True)
    department: models.ForeignKey[Department | None, Department | None] = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.PROTECT, related_name="endpoints"
    )
    department_id: int | None
    token_hash: models.CharField[str, str] = models.CharField(max_length=64, unique=True)
    # Ed25519 verifier line; when set, every report from this endpoint must be signed with its key.
    public_key: models.CharField[str, str] = models.CharField(max_length=200, blank=True, default="")
    active: models.BooleanField[bool, bool] = models.BooleanField(default=True)
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)
    last_seen: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(null=True, blank=True)
    # Set when the agent enrolled with the one-time token (the token is then replaced by the agent's own).
    enrolled_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(null=True, blank=True)
    hostname: models.CharField[str, str] = models.CharField(max_length=255, blank=True, default="")
    # What the agent last reported: the device-policy version it applied and the events still queued there.
    policy_version: models.IntegerField[int | None, int | None] = models.IntegerField(null=True, blank=True)
    queued_events: models.IntegerField[int, int] = models.IntegerField(default=0)
    agent_version: models.CharField[str, str] = models.CharField(max_length=40, blank=True, default="")
    status_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.name


class IdempotentResult(models.Model):
    """The answer given to one (endpoint, idempotency key), replayed when the agent retries."""

    endpoint: models.ForeignKey[Endpoint, Endpoint] = models.ForeignKey(Endpoint, on_delete=models.CASCADE)
    endpoint_id: int
    key: models.CharField[str, str] = models.CharField(max_length=128)
    fingerprint: models.CharField[str, str] = models.CharField(max_length=64)
    status: models.IntegerField[int, int] = models.IntegerField()
    body: models.JSONField[Any, Any] = models.JSONField()
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("endpoint", "key"), name="idempotency_key_unique"),)


class DeviceEvent(models.Model):
    """Something an endpoint saw: a medium inserted, blocked, removed."""

    endpoint: models.ForeignKey[Endpoint, Endpoint] = models.ForeignKey(Endpoint, on_delete=models.CASCADE)
    endpoint_id: int
    kind: models.CharField[str, str] = models.CharField(max_length=32)
    vendor_id: models.CharField[str, str] = models.CharField(max_length=4, blank=True)
    product_id: models.CharField[str, str] = models.CharField(max_length=4, blank=True)
    serial: models.CharField[str, str] = models.CharField(max_length=128, blank=True)
    username: models.CharField[str, str] = models.CharField(max_length=150, blank=True)
    occurred_at: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    received_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)
    details: models.JSONField[Any, Any] = models.JSONField(default=dict)

    class Meta:
        ordering = ("-occurred_at", "-id")
        indexes = (models.Index(fields=("endpoint", "occurred_at")),
                   models.Index(fields=("vendor_id", "product_id", "serial")))
