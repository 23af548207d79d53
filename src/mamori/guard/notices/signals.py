"""Model changes that call for a notice."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.db.models.signals import post_save
from django.utils import timezone

from mamori.guard.accounts.models import Role, User
from mamori.guard.exports.access import eligible_steps
from mamori.guard.exports.models import ExportRequest, RequestState
from mamori.guard.notices.mail import link, mail_language, notify
from mamori.guard.organisation.models import Deputy
from mamori.i18n import t

DECIDED = (RequestState.APPROVED, RequestState.REJECTED, RequestState.BLOCKED, RequestState.VOIDED)
BLOCKED_DEVICE_KINDS = ("blocked", "write_refused")


def _request_saved(sender: Any, instance: ExportRequest, **_: Any) -> None:
    url = link(f"/requests/{instance.pk}/")
    lang = mail_language()
    if instance.state == RequestState.PENDING:
        deputies = Deputy.objects.filter(department_id=instance.department_id, revoked=False).values("deputy_id")
        candidates = User.objects.filter(Q(role__in=(Role.SECTION_HEAD, Role.SECURITY_ADMIN)) | Q(pk__in=deputies),
                                         is_active=True)
        approvers = [u for u in candidates if eligible_steps(u, instance)]
        body = t("mail.new_request.body", lang, id=instance.pk, department=instance.department, url=url)
        notify("new_request", str(instance.pk), approvers, body, id=instance.pk)
        if instance.department.head_id in (None, instance.requester_id):
            admins = User.objects.filter(is_active=True, role=Role.SECURITY_ADMIN)
            reason = t("mail.escalation.own" if instance.department.head_id else "mail.escalation.headless", lang)
            notify("escalation", str(instance.pk), admins,
                   t("mail.escalation.body", lang, reason=reason, id=instance.pk, url=url), id=instance.pk)
    elif instance.state in DECIDED:
        state = t(f"choice.request.{instance.state}", lang)
        notify("decision", f"{instance.pk}:{instance.state}", [instance.requester],
               t("mail.decision.body", lang, id=instance.pk, state=state, url=url), id=instance.pk, state=state)


def _device_event_saved(sender: Any, instance: Any, created: bool, **_: Any) -> None:
    if not created or instance.kind not in BLOCKED_DEVICE_KINDS:
        return
    where = getattr(instance.endpoint, "name", "?")
    lang = mail_language()
    what = t("mail.device.blocked" if instance.kind == "blocked" else "mail.device.write_refused", lang)
    medium = f"{instance.vendor_id}:{instance.product_id} {instance.serial}"
    when = timezone.localtime(instance.occurred_at).strftime("%Y-%m-%d %H:%M")
    body = t("mail.device.body", lang, where=where, medium=medium, what=what, when=when, url=link("/audit/"))
    notify("device_blocked", str(instance.pk), User.objects.filter(is_active=True, role=Role.SECURITY_ADMIN), body,
           where=where)


def connect() -> None:
    from mamori.guard.api.models import DeviceEvent

    post_save.connect(_request_saved, sender=ExportRequest, dispatch_uid="notices.request")
    post_save.connect(_device_event_saved, sender=DeviceEvent, dispatch_uid="notices.device_event")
