"""The media register's rules: who registers, which life-cycle steps are allowed."""

from __future__ import annotations

import re

from django.db import transaction
from django.db.models import Q, QuerySet

from mamori.errors import InvalidTransition, PermissionDenied, WorkflowError
from mamori.guard.accounts.models import Department, Role, User
from mamori.guard.accounts.services import require_role
from mamori.guard.auditlog.services import record
from mamori.guard.media.models import Medium, MediumState
from mamori.i18n import said

S = MediumState
TRANSITIONS: dict[str, frozenset[str]] = {
    S.REGISTERED: frozenset({S.LENT, S.WIPED, S.LOST, S.RETIRED}),
    S.LENT: frozenset({S.RETURNED, S.LOST}),
    S.RETURNED: frozenset({S.LENT, S.WIPED, S.LOST, S.RETIRED}),
    S.WIPED: frozenset({S.LENT, S.LOST, S.RETIRED}),
    S.LOST: frozenset({S.RETURNED, S.RETIRED}),
    S.RETIRED: frozenset(),
}
EXPORTABLE = frozenset({S.REGISTERED, S.LENT, S.RETURNED, S.WIPED})
_HEX4 = re.compile(r"[0-9a-f]{4}")


def normalise_usb_id(value: str, what: str) -> str:
    """A USB vendor/product id as four lower-case hex digits (``0x0781`` → ``0781``)."""
    text = value.strip().lower().removeprefix("0x")
    if not _HEX4.fullmatch(text):
        raise WorkflowError(said("error.media.four_hexadecimal_digits_e", what=what, value=repr(value)))
    return text


def register(actor: User, *, vendor_id: str, product_id: str, serial: str, capacity_bytes: int, label: str,
             department: Department, encrypted: bool) -> Medium:
    """Add a medium to the register (security administrators only)."""
    require_role(actor, Role.SECURITY_ADMIN)
    vendor, product, serial = normalise_usb_id(vendor_id, "vendor id"), normalise_usb_id(product_id, "product id"), \
        serial.strip()
    if not serial or len(serial) > 128 or not serial.isprintable():
        raise WorkflowError(said("error.media.serial_number_1_128"))
    if capacity_bytes < 0 or not label.strip():
        raise WorkflowError(said("error.media.medium_needs_label_non"))
    with transaction.atomic():
        if Medium.objects.filter(vendor_id=vendor, product_id=product, serial=serial).exists():
            raise WorkflowError(said("error.media.medium_already_registered",
                                     vendor=vendor, product=product, serial=serial))
        medium = Medium.objects.create(vendor_id=vendor, product_id=product, serial=serial,
                                       capacity_bytes=capacity_bytes, label=label.strip(), department=department,
                                       encrypted=encrypted)
        record(actor.username, "medium.registered", "medium", medium.pk, **medium.identity(),
               department=department.code, encrypted=encrypted, label=medium.label)
    return medium


def transition(actor: User, medium: Medium, to: str, holder: User | None = None, note: str = "") -> Medium:
    """Move `medium` to state `to`; InvalidTransition when its life does not allow it."""
    require_role(actor, Role.SECURITY_ADMIN)
    if to not in TRANSITIONS:
        raise InvalidTransition(said("error.media.unknown_medium_state", to=said(f"code.medium.{to!r}")))
    with transaction.atomic():
        medium = Medium.objects.select_for_update().get(pk=medium.pk)
        if to not in TRANSITIONS[medium.state]:
            raise InvalidTransition(said("error.media.medium_that_cannot_become",
                                         state=said(f"code.medium.{medium.state}"), to=said(f"code.medium.{to}")))
        if to == S.LENT:
            if holder is None or not holder.is_active:
                raise WorkflowError(said("error.media.lending_medium_needs_person"))
            if holder.department_id != medium.department_id:
                raise PermissionDenied(said("error.media.medium_lent_only_within"))
        old = medium.state
        medium.state = to
        medium.holder = holder if to == S.LENT else None
        medium.save(update_fields=["state", "holder", "changed_at"])
        record(actor.username, "medium.changed", "medium", medium.pk, old=old, new=to,
               holder=holder.username if holder and to == S.LENT else None, note=note[:500])
    return medium


def exportable_media(user: User) -> QuerySet[Medium]:
    """Media `user` may name as an export target: their department's, usable, not lent to someone else."""
    if user.department_id is None:
        return Medium.objects.none()
    return Medium.objects.filter(department_id=user.department_id, state__in=EXPORTABLE).filter(
        ~Q(state=S.LENT) | Q(holder=user))


def check_exportable(user: User, medium: Medium) -> None:
    """Raise unless `medium` can be the target of `user`'s export."""
    if medium.department_id != user.department_id:
        raise PermissionDenied(said("error.media.medium_belongs_another_department"))
    if medium.state not in EXPORTABLE:
        raise WorkflowError(said("error.media.medium_cannot_written", state=said(f"code.medium.{medium.state}")))
    if medium.state == S.LENT and medium.holder_id not in (None, user.pk):
        raise PermissionDenied(said("error.media.medium_lent_someone_else"))
