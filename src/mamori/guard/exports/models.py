"""Export requests, their files with scan results, approvals and signed grants."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from mamori.guard.accounts.models import Department, User
from mamori.guard.media.models import Medium


class RequestState(models.TextChoices):
    """Where an export request is."""

    SCANNING = "scanning", _("choice.request.scanning")
    PENDING = "pending", _("choice.request.pending")
    APPROVED = "approved", _("choice.request.approved")
    REJECTED = "rejected", _("choice.request.rejected")
    BLOCKED = "blocked", _("choice.request.blocked")
    VOIDED = "voided", _("choice.request.voided")
    WITHDRAWN = "withdrawn", _("choice.request.withdrawn")
    EXECUTED = "executed", _("choice.request.executed")


class Step(models.TextChoices):
    """Which approval an approver gives."""

    HEAD = "head", _("choice.step.head")
    ADMIN = "admin", _("choice.step.admin")


class Decision(models.TextChoices):
    APPROVE = "approve", _("choice.decision.approve")
    REJECT = "reject", _("choice.decision.reject")


class ExportRequest(models.Model):
    """Exactly these files, to this medium, for this purpose, until this time — and what they hold."""

    requester: models.ForeignKey[User, User] = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="export_requests"
    )
    requester_id: int
    department: models.ForeignKey[Department, Department] = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="export_requests"
    )
    department_id: int
    medium: models.ForeignKey[Medium, Medium] = models.ForeignKey(
        Medium, on_delete=models.PROTECT, related_name="export_requests"
    )
    medium_id: int
    purpose: models.TextField[str, str] = models.TextField()
    recipient: models.CharField[str, str] = models.CharField(max_length=300)
    expires_at: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    state: models.CharField[str, str] = models.CharField(
        max_length=12, choices=RequestState.choices, default=RequestState.PENDING
    )
    version: models.IntegerField[int, int] = models.IntegerField(default=1)
    binding_digest: models.CharField[str, str] = models.CharField(max_length=64)
    needs_admin: models.BooleanField[bool, bool] = models.BooleanField(default=False)
    policy_reasons: models.JSONField[Any, Any] = models.JSONField(default=list)
    categories: models.JSONField[Any, Any] = models.JSONField(default=list)
    persons: models.IntegerField[int, int] = models.IntegerField(default=0)
    special_care: models.BooleanField[bool, bool] = models.BooleanField(default=False)
    not_inspected: models.IntegerField[int, int] = models.IntegerField(default=0)
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)
    decided_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("-created_at", "-id")
        indexes = (models.Index(fields=("department", "state")), models.Index(fields=("requester", "state")))

    def __str__(self) -> str:
        return f"request {self.pk}"


class ExportFile(models.Model):
    """One file of a request: where it is stored, its hash, and what the find engine saw in it."""

    request: models.ForeignKey[ExportRequest, ExportRequest] = models.ForeignKey(
        ExportRequest, on_delete=models.CASCADE, related_name="files"
    )
    request_id: int
    position: models.IntegerField[int, int] = models.IntegerField()
    name: models.CharField[str, str] = models.CharField(max_length=255)
    stored_name: models.CharField[str, str] = models.CharField(max_length=64, unique=True)
    size: models.BigIntegerField[int, int] = models.BigIntegerField()
    sha256: models.CharField[str, str] = models.CharField(max_length=64)
    status: models.CharField[str, str] = models.CharField(max_length=16)
    pii: models.BooleanField[bool | None, bool | None] = models.BooleanField(null=True)
    categories: models.JSONField[Any, Any] = models.JSONField(default=list)
    persons: models.IntegerField[int, int] = models.IntegerField(default=0)
    special_care: models.BooleanField[bool, bool] = models.BooleanField(default=False)
    samples: models.JSONField[Any, Any] = models.JSONField(default=list)
    reason: models.TextField[str, str] = models.TextField(blank=True)
    reason_said: models.JSONField[Any, Any] = models.JSONField(default=dict, blank=True)
    """The reason's catalogue key and values (mamori.i18n.said_json), to say it in the reader's language."""

    class Meta:
        ordering = ("request", "position")


class Approval(models.Model):
    """One approver's decision on one version of a request; void once the binding changes."""

    request: models.ForeignKey[ExportRequest, ExportRequest] = models.ForeignKey(
        ExportRequest, on_delete=models.CASCADE, related_name="approvals"
    )
    request_id: int
    approver: models.ForeignKey[User, User] = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="approvals"
    )
    approver_id: int
    step: models.CharField[str, str] = models.CharField(max_length=8, choices=Step.choices)
    decision: models.CharField[str, str] = models.CharField(max_length=8, choices=Decision.choices)
    reason: models.TextField[str, str] = models.TextField(blank=True)
    binding_digest: models.CharField[str, str] = models.CharField(max_length=64)
    void: models.BooleanField[bool, bool] = models.BooleanField(default=False)
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("created_at", "id")


class Grant(models.Model):
    """The signed, single-use permission to write a request's files to its medium before expiry."""

    id: models.UUIDField[uuid.UUID, uuid.UUID] = models.UUIDField(primary_key=True, default=uuid.uuid4)
    request: models.OneToOneField[ExportRequest, ExportRequest] = models.OneToOneField(
        ExportRequest, on_delete=models.PROTECT, related_name="grant"
    )
    request_id: int
    nonce: models.CharField[str, str] = models.CharField(max_length=64, unique=True)
    envelope: models.TextField[str, str] = models.TextField()
    issued_at: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    expires_at: models.DateTimeField[datetime, datetime] = models.DateTimeField()
    redeemed_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(null=True, blank=True)
    redeemed_by: models.CharField[str, str] = models.CharField(max_length=200, blank=True)
    audit_index: models.BigIntegerField[int | None, int | None] = models.BigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ("-issued_at",)


class JobState(models.TextChoices):
    """Where a background scan is."""

    QUEUED = "queued", _("choice.job.queued")
    RUNNING = "running", _("choice.job.running")
    DONE = "done", _("choice.job.done")
    FAILED = "failed", _("choice.job.failed")


class ScanJob(models.Model):
    """The background scan of one request's files: claimed by one worker at a time, retried after a crash."""

    request: models.OneToOneField[ExportRequest, ExportRequest] = models.OneToOneField(
        ExportRequest, on_delete=models.CASCADE, related_name="scan_job"
    )
    request_id: int
    state: models.CharField[str, str] = models.CharField(
        max_length=8, choices=JobState.choices, default=JobState.QUEUED
    )
    attempts: models.IntegerField[int, int] = models.IntegerField(default=0)
    worker: models.CharField[str, str] = models.CharField(max_length=200, blank=True)
    files_total: models.IntegerField[int, int] = models.IntegerField(default=0)
    files_done: models.IntegerField[int, int] = models.IntegerField(default=0)
    bytes_total: models.BigIntegerField[int, int] = models.BigIntegerField(default=0)
    bytes_done: models.BigIntegerField[int, int] = models.BigIntegerField(default=0)
    reason: models.TextField[str, str] = models.TextField(blank=True)
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)
    started_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(null=True, blank=True)
    heartbeat_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(
        null=True, blank=True)
    finished_at: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = (models.Index(fields=("state", "id")),)

    @property
    def elapsed(self) -> int:
        """Seconds since the current attempt started (0 while queued)."""
        if self.started_at is None or self.state == JobState.QUEUED:
            return 0
        return int(((self.finished_at or timezone.now()) - self.started_at).total_seconds())

    @property
    def percent(self) -> int:
        """Share of the bytes scanned so far (whole files), 0–100."""
        if self.state in (JobState.DONE, JobState.FAILED):
            return 100
        return int(100 * self.bytes_done / self.bytes_total) if self.bytes_total else 0
