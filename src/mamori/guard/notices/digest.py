"""The daily digest: each approver's waiting requests in one mail (run it from cron or a systemd timer)."""

from __future__ import annotations

from datetime import date

from mamori.guard.accounts.models import Role, User
from mamori.guard.exports.access import approval_queue
from mamori.guard.notices.mail import link, mail_language, notify
from mamori.i18n import t


def send_digest(day: date) -> int:
    """Mail every approver with requests waiting; once per approver and day. Returns how many were sent."""
    sent = 0
    for user in User.objects.filter(is_active=True, role__in=(Role.SECTION_HEAD, Role.SECURITY_ADMIN)):
        waiting = approval_queue(user)
        if not waiting:
            continue
        lines = "\n".join(f"#{r.pk} {r.department} {r.created_at:%Y-%m-%d}" for r in waiting)
        body = t("mail.digest.body", mail_language(), lines=lines, url=link("/queue/"))
        sent += notify("digest", f"{day.isoformat()}:{user.pk}", [user], body, count=len(waiting))
    return sent
