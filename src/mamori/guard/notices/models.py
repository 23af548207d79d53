"""What was (or could not be) mailed to whom: one row per notice, so nothing is sent twice."""

from __future__ import annotations

from datetime import datetime

from django.db import models


class Notice(models.Model):
    kind: models.CharField[str, str] = models.CharField(max_length=32)
    subject_id: models.CharField[str, str] = models.CharField(max_length=64)  # the request, event or day
    recipient: models.CharField[str, str] = models.CharField(max_length=254)
    status: models.CharField[str, str] = models.CharField(max_length=16)  # sent | failed
    error: models.CharField[str, str] = models.CharField(max_length=500, blank=True)
    created_at: models.DateTimeField[datetime, datetime] = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (models.UniqueConstraint(fields=("kind", "subject_id", "recipient"), name="notice_once"),)
