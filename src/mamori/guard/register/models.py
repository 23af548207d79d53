"""The register of personal-information files (個人情報ファイル簿): entries kept with every version, the
scanner tokens that feed it, and the files the share scans found (facts only, never a value)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import models

from mamori.guard.accounts.models import Department, User


class Form(models.TextChoices):
    """電算処理ファイル (processed by computer) or マニュアル処理ファイル (paper and hand-kept)."""

    ELECTRONIC = "electronic", "電算処理ファイル"
    MANUAL = "manual", "マニュアル処理ファイル"


#: The official columns of 個人情報ファイル簿 (個人情報保護法 第75条, 施行令 第21条), in their printed order.
COLUMNS = ("name", "organ", "purpose", "record_items", "record_scope", "collection", "special_care",
           "recipients", "disclosure_office", "form", "remarks")
#: What mamori adds to compare the register with the scans: the kinds of data and where the files are.
MACHINE_COLUMNS = ("categories", "locations")


class FileEntry(models.Model):
    """One personal-information file of a department, as the register shows it now."""

    department: models.ForeignKey[Department, Department] = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="register_entries")
    department_id: int
    name: models.CharField[str, str] = models.CharField(max_length=200)                    # 個人情報ファイルの名称
    organ: models.CharField[str, str] = models.CharField(max_length=300)  # 行政機関等の名称及び所管部署
    purpose: models.TextField[str, str] = models.TextField()                               # 利用目的
    record_items: models.TextField[str, str] = models.TextField()                          # 記録項目
    record_scope: models.TextField[str, str] = models.TextField()                          # 記録範囲
    collection: models.TextField[str, str] = models.TextField()                            # 記録情報の収集方法
    special_care: models.BooleanField[bool, bool] = models.BooleanField(default=False)     # 要配慮個人情報
    recipients: models.TextField[str, str] = models.TextField(blank=True)                  # 記録情報の経常的提供先
    disclosure_office: models.CharField[str, str] = models.CharField(max_length=300)       # 開示請求等を受理する組織
    form: models.CharField[str, str] = models.CharField(max_length=12, choices=Form.choices,
                                                        default=Form.ELECTRONIC)           # 電算/マニュアル
    remarks: models.TextField[str, str] = models.TextField(blank=True)                     # 備考
    categories: models.JSONField[Any, Any] = models.JSONField(default=list)
    locations: models.JSONField[Any, Any] = models.JSONField(default=list)  # glob patterns of the files' paths
    version: models.IntegerField[int, int] = models.IntegerField(default=1)
    retired: models.BooleanField[bool, bool] = models.BooleanField(default=False)
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)
    updated_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ("department__code", "name", "pk")

    def __str__(self) -> str:
        return self.name


class EntryVersion(models.Model):
    """One state of an entry, kept for good: who changed it, when, and every column as it then was."""

    entry: models.ForeignKey[FileEntry, FileEntry] = models.ForeignKey(
        FileEntry, on_delete=models.CASCADE, related_name="versions")
    entry_id: int
    version: models.IntegerField[int, int] = models.IntegerField()
    department: models.ForeignKey[Department, Department] = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="register_versions")
    department_id: int
    change: models.CharField[str, str] = models.CharField(max_length=12)  # created / changed / retired
    fields: models.JSONField[Any, Any] = models.JSONField()
    changed_fields: models.JSONField[Any, Any] = models.JSONField(default=list)
    changed_by: models.ForeignKey[User, User] = models.ForeignKey(
        User, on_delete=models.PROTECT, related_name="register_changes")
    changed_by_id: int
    changed_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ("entry", "version")
        constraints = (models.UniqueConstraint(fields=("entry", "version"), name="register_entry_version_unique"),)


class ScannerToken(models.Model):
    """A department's scanner (a share scan) allowed to push results; its token is kept only as a hash."""

    department: models.ForeignKey[Department, Department] = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="scanner_tokens")
    department_id: int
    name: models.CharField[str, str] = models.CharField(max_length=200)
    token_hash: models.CharField[str, str] = models.CharField(max_length=64, unique=True)
    active: models.BooleanField[bool, bool] = models.BooleanField(default=True)
    issued_by: models.ForeignKey[User, User] = models.ForeignKey(User, on_delete=models.PROTECT)
    issued_by_id: int
    issued_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)
    last_used: models.DateTimeField[datetime | None, datetime | None] = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ("department__code", "name")


class ScanBatch(models.Model):
    """One batch a scanner pushed; its id makes a retry harmless (the same body gets the same answer)."""

    token: models.ForeignKey[ScannerToken, ScannerToken] = models.ForeignKey(
        ScannerToken, on_delete=models.CASCADE, related_name="batches")
    token_id: int
    batch_id: models.CharField[str, str] = models.CharField(max_length=80)
    run_id: models.CharField[str, str] = models.CharField(max_length=80)
    fingerprint: models.CharField[str, str] = models.CharField(max_length=64)
    items: models.IntegerField[int, int] = models.IntegerField()
    final: models.BooleanField[bool, bool] = models.BooleanField(default=False)
    received_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("token", "batch_id"), name="register_batch_unique"),)


class ScannedFile(models.Model):
    """What the latest scan said of one file on a department's shares (the contract's facts, no values)."""

    department: models.ForeignKey[Department, Department] = models.ForeignKey(
        Department, on_delete=models.CASCADE, related_name="scanned_files")
    department_id: int
    path: models.CharField[str, str] = models.CharField(max_length=1000)
    path_key: models.CharField[str, str] = models.CharField(max_length=64)  # sha256 of the path (unique index)
    size: models.BigIntegerField[int, int] = models.BigIntegerField(default=0)
    mtime: models.CharField[str, str] = models.CharField(max_length=40, blank=True)
    owner: models.CharField[str, str] = models.CharField(max_length=200, blank=True)
    status: models.CharField[str, str] = models.CharField(max_length=16)
    pii: models.BooleanField[bool | None, bool | None] = models.BooleanField(null=True)
    categories: models.JSONField[Any, Any] = models.JSONField(default=list)
    persons: models.IntegerField[int, int] = models.IntegerField(default=0)
    special_care: models.BooleanField[bool, bool] = models.BooleanField(default=False)
    run_id: models.CharField[str, str] = models.CharField(max_length=80)
    token: models.ForeignKey[ScannerToken | None, ScannerToken | None] = models.ForeignKey(
        ScannerToken, null=True, blank=True, on_delete=models.SET_NULL, related_name="files")
    token_id: int | None
    first_seen: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)
    seen_at: models.DateTimeField[datetime, datetime] = models.DateTimeField()

    class Meta:
        ordering = ("department__code", "path")
        constraints = (models.UniqueConstraint(fields=("department", "path_key"), name="register_scanned_unique"),)


class ExportPeople(models.Model):
    """The people one export request carries, as keyed hashes (see register/people.py), for distinct counts."""

    request: models.OneToOneField[Any, Any] = models.OneToOneField(
        "exports.ExportRequest", on_delete=models.CASCADE, related_name="people_keys")
    request_id: int
    records: models.BinaryField[bytes, bytes] = models.BinaryField()
    count: models.IntegerField[int, int] = models.IntegerField()


class YearlySignOff(models.Model):
    """A head's sign-off of their department's figures for one fiscal year (年度), confirmed with TOTP."""

    department: models.ForeignKey[Department, Department] = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="yearly_signoffs")
    department_id: int
    fiscal_year: models.IntegerField[int, int] = models.IntegerField()
    signed_by: models.ForeignKey[User, User] = models.ForeignKey(User, on_delete=models.PROTECT)
    signed_by_id: int
    signed_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)
    figures: models.JSONField[Any, Any] = models.JSONField()
    digest: models.CharField[str, str] = models.CharField(max_length=64)
    audit_index: models.BigIntegerField[int, int] = models.BigIntegerField()

    class Meta:
        ordering = ("fiscal_year", "department__code")
        constraints = (models.UniqueConstraint(fields=("department", "fiscal_year"), name="yearly_signoff_unique"),)
