"""Model changes that call for a notice."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.db.models.signals import post_save

from mamori.guard.accounts.models import Role, User
from mamori.guard.exports.access import eligible_steps
from mamori.guard.exports.models import ExportRequest, RequestState
from mamori.guard.notices.mail import link, notify
from mamori.guard.organisation.models import Deputy

DECIDED = (RequestState.APPROVED, RequestState.REJECTED, RequestState.BLOCKED, RequestState.VOIDED)
BLOCKED_DEVICE_KINDS = ("blocked", "write_refused")


def _request_saved(sender: Any, instance: ExportRequest, **_: Any) -> None:
    url = link(f"/requests/{instance.pk}/")
    if instance.state == RequestState.PENDING:
        deputies = Deputy.objects.filter(department_id=instance.department_id, revoked=False).values("deputy_id")
        candidates = User.objects.filter(Q(role__in=(Role.SECTION_HEAD, Role.SECURITY_ADMIN)) | Q(pk__in=deputies),
                                         is_active=True)
        approvers = [u for u in candidates if eligible_steps(u, instance)]
        body = (f"持出し申請 #{instance.pk}（{instance.department}）が承認を待っています。\n{url}\n\n"
                f"Export request #{instance.pk} ({instance.department}) awaits your approval.\n")
        notify("new_request", str(instance.pk), approvers, body, id=instance.pk)
        if instance.department.head_id in (None, instance.requester_id):
            admins = User.objects.filter(is_active=True, role=Role.SECURITY_ADMIN)
            reason = "所属長本人の申請" if instance.department.head_id else "所属長が未設定の所属からの申請"
            notify("escalation", str(instance.pk), admins,
                   f"{reason}のため、情報セキュリティ管理者の承認が必要です: #{instance.pk}\n{url}\n", id=instance.pk)
    elif instance.state in DECIDED:
        state = RequestState(instance.state).label
        notify("decision", f"{instance.pk}:{instance.state}", [instance.requester],
               f"持出し申請 #{instance.pk} は「{state}」になりました。\n{url}\n", id=instance.pk, state=state)


def _device_event_saved(sender: Any, instance: Any, created: bool, **_: Any) -> None:
    if not created or instance.kind not in BLOCKED_DEVICE_KINDS:
        return
    where = getattr(instance.endpoint, "name", "?")
    what = "遮断" if instance.kind == "blocked" else "書込み拒否"
    body = (f"端末 {where} で媒体 {instance.vendor_id}:{instance.product_id} {instance.serial} が{what}されました"
            f"（{instance.occurred_at:%Y-%m-%d %H:%M}）。\n{link('/audit/')}\n")
    notify("device_blocked", str(instance.pk), User.objects.filter(is_active=True, role=Role.SECURITY_ADMIN), body,
           where=where)


def connect() -> None:
    from mamori.guard.api.models import DeviceEvent

    post_save.connect(_request_saved, sender=ExportRequest, dispatch_uid="notices.request")
    post_save.connect(_device_event_saved, sender=DeviceEvent, dispatch_uid="notices.device_event")
