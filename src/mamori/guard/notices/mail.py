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

log = logging.getLogger(__name__)

SUBJECTS: dict[str, tuple[str, str]] = {
    "new_request": ("【mamori】持出し申請 #{id} の承認をお願いします",
                    "[mamori] Export request #{id} awaits your approval"),
    "escalation": ("【mamori】所属長本人の持出し申請 #{id}（代わりの承認が必要）",
                   "[mamori] Export request #{id} by a head needs another approver"),
    "decision": ("【mamori】持出し申請 #{id} は「{state}」になりました",
                 "[mamori] Export request #{id} is now {state}"),
    "device_blocked": ("【mamori】未登録の媒体が遮断されました（{where}）",
                       "[mamori] An unregistered medium was blocked ({where})"),
    "digest": ("【mamori】承認待ちの持出し申請 {count} 件", "[mamori] {count} export request(s) await you"),
}


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
        ja, en = SUBJECTS[kind]
        subject = (en if settings.LANGUAGE_CODE == "en" else ja).format(**fields)
        try:
            send_mail(subject, body, None, [user.email], fail_silently=False)
            sent += 1
        except (smtplib.SMTPException, OSError) as exc:
            # The action that caused the notice has happened; a mail server that is down must not undo it.
            log.warning("notice %s for %s to %s not sent: %s", kind, subject_id, user.email, exc)
            Notice.objects.filter(pk=notice.pk).update(status="failed", error=str(exc)[:500])
    return sent

