"""The media policy served to endpoints: built from the register, versioned, signed with the grant key."""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from mamori.audit.event import canonical_json
from mamori.guard.api.models import Endpoint
from mamori.guard.exports.grants import grant_signer
from mamori.guard.media.models import Medium, PolicyRevision
from mamori.guard.media.policy_document import MASS_STORAGE, MediaPolicy, PolicyMedium, sign_policy, utc_now_iso
from mamori.guard.media.services import EXPORTABLE


def register_digest() -> str:
    """SHA-256 of everything in the register that a policy depends on."""
    rows = Medium.objects.order_by("pk").values_list("pk", "vendor_id", "product_id", "serial", "state",
                                                      "department_id")
    return hashlib.sha256(canonical_json([list(row) for row in rows])).hexdigest()


def bump() -> int:
    """Record a new policy version for the register as it is now; return it."""
    return int(PolicyRevision.objects.create(digest=register_digest()).pk)


def current_version() -> int:
    """The policy version of the register as it is now (a new one when it changed unnoticed)."""
    with transaction.atomic():
        latest = PolicyRevision.objects.order_by("-id").first()
        if latest is not None and latest.digest == register_digest():
            return int(latest.pk)
        return bump()


def _medium(medium: Medium) -> PolicyMedium:
    return PolicyMedium(medium.pk, medium.vendor_id, medium.product_id, medium.serial, (MASS_STORAGE,),
                        medium.state, medium.state in EXPORTABLE, medium.label[:200])


def policy_for(endpoint: Endpoint) -> MediaPolicy:
    """The policy `endpoint` enforces: its department's media (every department's when it has none)."""
    version = current_version()
    media = Medium.objects.order_by("pk")
    if endpoint.department_id is not None:
        media = media.filter(department_id=endpoint.department_id)
    return MediaPolicy(version, utc_now_iso(), tuple(_medium(m) for m in media))


def signed_policy_for(endpoint: Endpoint, home: Path) -> str:
    """The signed envelope for `endpoint` (JSON text)."""
    return sign_policy(policy_for(endpoint), grant_signer(home))


def _on_change(sender: type[Medium], **kwargs: object) -> None:
    # Inside the transaction of the change, so the version and the change commit or roll back together.
    bump()


def connect() -> None:
    """Version the policy on every save or delete of a medium."""
    post_save.connect(_on_change, sender=Medium, dispatch_uid="mamori-media-policy-save")
    post_delete.connect(_on_change, sender=Medium, dispatch_uid="mamori-media-policy-delete")
