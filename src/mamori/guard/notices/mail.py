"""Composing and sending notices. Mails name the request and where to look, never the data it carries."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction

from mamori.guard.accounts.models import User
from mamori.guard.notices.models import Notice
from mamori.i18n import t

log = logging.getLogger(__name__)

def mail_language() -> str:
    """Mails go out in the server's language (LANGUAGE_CODE: Japanese unless set to en)."""
    return "en" if settings.LANGUAGE_CODE == "en" else "ja"


def enabled() -> bool:
    """Notices go out only when a mail server is configured (MAMORI_SMTP_HOST)."""
    return bool(getattr(settings, "MAMORI_NOTICES", False))


def link(path: str) -> str:
    base = str(getattr(settings, "MAMORI_BASE_URL", "") or "").rstrip("/")
    return f"{base}{path}" if base else path


def notify(kind: str, subject_id: str, users: Iterable[User], body: str, **fields: object) -> int:
    """Mail `users` about `kind`/`subject_id` once each; returns how many were sent now."""
    if not enabled():
        return 0
    sent = 0
    for user in users:
        if not user.email or not user.is_active:
            continue
        try:
            with transaction.atomic():
                notice = Notice.objects.create(kind=kind, subject_id=subject_id, recipient=user.email, status="sent")
        except IntegrityError:
            continue  # already told
        subject = t(f"mail.{kind}.subject", mail_language(), **fields)
        try:
            send_mail(subject, body, None, [user.email], fail_silently=False)
            sent += 1
        except (smtplib.SMTPException, OSError) as exc:
            # The action that caused the notice has happened; a mail server that is down must not undo it.
            log.warning("notice %s for %s to %s not sent: %s", kind, subject_id, user.email, exc)
            Notice.objects.filter(pk=notice.pk).update(status="failed", error=str(exc)[:500])
    return sent

