"""The audit log's newest signed checkpoint, mailed to the auditors: a second place outside the server.

The witness folder is only as far from the server as the share it lives on. A mail leaves the server for the
auditor's own mailbox: once there, an intruder with the server's files and its signing key can no longer rewrite
what that checkpoint signed without ``mamori audit verify --trusted <attachment>`` failing. Run it from cron or
a systemd timer (``mamori guard mail-checkpoint``); each auditor receives each tree size once (``Notice``), so
running it again before anything new was logged sends nothing.
"""

from __future__ import annotations

import logging
import smtplib

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction

from mamori.audit.checkpoint import verify_checkpoint
from mamori.audit.witness import file_name
from mamori.guard.accounts.models import Role, User
from mamori.guard.auditlog.services import audit_log, current_home
from mamori.guard.notices.mail import enabled, mail_language
from mamori.guard.notices.models import Notice
from mamori.i18n import t

log = logging.getLogger(__name__)
KIND = "audit_checkpoint"

def mail_checkpoint() -> int:
    """Mail the newest checkpoint to every active auditor with an address; how many mails went out now."""
    if not enabled():
        return 0
    audit = audit_log()
    note = audit.checkpoint()  # signs the current tree, or returns the newest if nothing was added since
    point = verify_checkpoint(note, audit.verifier)
    attachment = file_name(point.origin)
    lang = mail_language()
    fields = {"origin": point.origin, "size": point.size, "root": point.root.hex(), "time": point.time,
              "attachment": attachment}
    sent = 0
    for user in User.objects.filter(role=Role.AUDITOR, is_active=True).exclude(email="").order_by("pk"):
        try:
            with transaction.atomic():
                notice = Notice.objects.create(kind=KIND, subject_id=f"{point.origin}:{point.size}"[:64],
                                               recipient=user.email, status="sent")
        except IntegrityError:
            continue  # this auditor already holds this checkpoint
        message = EmailMessage(t("mail.checkpoint.subject", lang, **fields), t("mail.checkpoint.body", lang, **fields),
                               None, [user.email])
        # bytes, base64 on the wire: a text part would reach the auditor with CRLF line ends, and the signature
        # covers the exact bytes
        message.attach(attachment, note.encode("utf-8"), "application/octet-stream")
        try:
            message.send(fail_silently=False)
            sent += 1
        except (smtplib.SMTPException, OSError) as exc:
            log.warning("checkpoint %s to %s not sent: %s", point.size, user.email, exc)
            Notice.objects.filter(pk=notice.pk).update(status="failed", error=str(exc)[:500])
    log.info("checkpoint of %s entries of %s mailed %d time(s)", point.size, current_home(), sent)
    return sent
