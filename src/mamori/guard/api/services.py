"""Endpoint tokens, idempotent answers and device events for the agent API."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from mamori.audit.event import canonical_json
from mamori.errors import InvalidTransition, PermissionDenied, WorkflowError
from mamori.guard.accounts.models import Department, Role, User
from mamori.guard.accounts.services import require_role
from mamori.guard.api.models import DeviceEvent, Endpoint, IdempotentResult
from mamori.guard.api.signing import check_public_key
from mamori.guard.auditlog.services import record
from mamori.guard.media.services import normalise_usb_id

TOKEN_PREFIX = "mep_"
DEVICE_EVENT_KINDS = frozenset({"inserted", "removed", "blocked", "allowed", "write_refused", "written"})


class NotAuthenticated(PermissionDenied):
    """No bearer token was presented (HTTP 401)."""


def token_hash(token: str) -> str:
    """SHA-256 of a token (tokens are 256-bit random, so a plain hash is enough to store)."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def create_endpoint(actor: User | None, name: str, department: Department | None,
                    public_key: str = "") -> tuple[Endpoint, str]:
    """A new endpoint and its bearer token (shown once; only its hash is kept).

    With `public_key` (an Ed25519 verifier line) the endpoint must sign every report it sends.
    """
    if actor is not None:
        require_role(actor, Role.SECURITY_ADMIN)
    name = name.strip()
    if not name or len(name) > 200:
        raise WorkflowError("an endpoint needs a name of 1–200 characters")
    public_key = check_public_key(public_key) if public_key.strip() else ""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        if Endpoint.objects.filter(name=name).exists():
            raise WorkflowError(f"endpoint {name} already exists")
        endpoint = Endpoint.objects.create(name=name, department=department, token_hash=token_hash(token),
                                           public_key=public_key)
        record(actor.username if actor else "system", "endpoint.created", "endpoint", endpoint.name,
               department=department.code if department else None, public_key=public_key or None)
    return endpoint, token


def bearer_digest(authorization: str | None) -> str:
    """The stored form (hash) of the bearer token an ``Authorization`` header carries; NotAuthenticated without one."""
    if not authorization:
        raise NotAuthenticated("a bearer token is required")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise NotAuthenticated("use 'Authorization: Bearer <token>'")
    return token_hash(token.strip())


def authenticate(authorization: str | None) -> Endpoint:
    """The endpoint whose bearer token this header carries; NotAuthenticated / PermissionDenied otherwise."""
    digest = bearer_digest(authorization)
    endpoint = Endpoint.objects.filter(token_hash=digest, active=True).first()
    if endpoint is None or not hmac.compare_digest(endpoint.token_hash, digest):
        raise PermissionDenied("the token is not valid")
    Endpoint.objects.filter(pk=endpoint.pk).update(last_seen=timezone.now())
    return endpoint


def enrol(endpoint: Endpoint, payload: dict[str, Any]) -> tuple[Endpoint, str]:
    """Register the agent's public key with the one-time enrolment token; the agent's own token is returned.

    The enrolment token stops working here: a second enrolment with it is refused (409), so a token
    that leaked after use enrols nothing.
    """
    public_key = _text(payload, "public_key", 200)
    hostname = _text(payload, "hostname", 255)
    if not public_key.strip():
        raise WorkflowError("public_key is required: the agent's Ed25519 verifier line")
    key = check_public_key(public_key)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        updated = Endpoint.objects.filter(pk=endpoint.pk, enrolled_at__isnull=True, public_key="").update(
            public_key=key, hostname=hostname, token_hash=token_hash(token), enrolled_at=timezone.now())
        if updated != 1:
            raise InvalidTransition(f"endpoint {endpoint.name} is already enrolled: ask for a new enrolment token "
                                    "(mamori guard endpoint --reenrol)")
        record(actor_of(endpoint), "endpoint.enrolled", "endpoint", endpoint.name, hostname=hostname,
               public_key=key)
    endpoint.refresh_from_db()
    return endpoint, token


def reset_enrolment(actor: User | None, endpoint: Endpoint) -> str:
    """A new one-time enrolment token for `endpoint` (a reinstalled PC); its old key and token stop working."""
    if actor is not None:
        require_role(actor, Role.SECURITY_ADMIN)
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        Endpoint.objects.filter(pk=endpoint.pk).update(token_hash=token_hash(token), public_key="",
                                                       enrolled_at=None, active=True)
        record(actor.username if actor else "system", "endpoint.reenrol", "endpoint", endpoint.name)
    return token


def endpoint_status(endpoint: Endpoint, payload: dict[str, Any]) -> Endpoint:
    """Store what the agent reports about itself: queued events, applied policy version, its version."""
    if "queued" not in payload:
        raise WorkflowError("queued is required: the number of events waiting on the endpoint")
    queued, policy = payload["queued"], payload.get("policy_version")
    if type(queued) is not int or not 0 <= queued < 2**31:
        raise WorkflowError("queued must be a non-negative integer")
    if policy is not None and (type(policy) is not int or not 0 <= policy < 2**31):
        raise WorkflowError("policy_version must be a non-negative integer or null")
    version = _text(payload, "agent_version", 40)
    Endpoint.objects.filter(pk=endpoint.pk).update(queued_events=queued, policy_version=policy,
                                                   agent_version=version, status_at=timezone.now())
    endpoint.refresh_from_db()
    return endpoint


def actor_of(endpoint: Endpoint) -> str:
    """How an endpoint appears in the audit log."""
    return f"endpoint:{endpoint.name}"


def idempotent(endpoint: Endpoint, key: str | None, body: bytes,
               work: Callable[[], tuple[int, dict[str, Any]]]) -> tuple[int, dict[str, Any]]:
    """Run `work` once per (endpoint, key); a retry with the same key and body gets the same answer."""
    if key is None:
        return work()
    key = key.strip()
    if not key or len(key) > 128 or not key.isprintable():
        raise WorkflowError("Idempotency-Key must be 1–128 printable characters")
    fingerprint = hashlib.sha256(body).hexdigest()
    earlier = IdempotentResult.objects.filter(endpoint=endpoint, key=key).first()
    if earlier is None:
        try:
            status, answer = work()
        except WorkflowError:
            # A concurrent retry with this key may have done the work first: answer as it did.
            earlier = IdempotentResult.objects.filter(endpoint=endpoint, key=key).first()
            if earlier is None or earlier.fingerprint != fingerprint:
                raise
            return earlier.status, earlier.body
        try:
            with transaction.atomic():
                IdempotentResult.objects.create(endpoint=endpoint, key=key, fingerprint=fingerprint,
                                                status=status, body=answer)
            return status, answer
        except IntegrityError:
            earlier = IdempotentResult.objects.get(endpoint=endpoint, key=key)  # a concurrent retry won
    if earlier.fingerprint != fingerprint:
        raise WorkflowError("this Idempotency-Key was used with a different request body")
    return earlier.status, earlier.body


def _text(payload: dict[str, Any], name: str, limit: int) -> str:
    """An optional string field, refused (not coerced or cut) when it has another type or is too long."""
    value = payload.get(name, "")
    if not isinstance(value, str):
        raise WorkflowError(f"{name} must be a string")
    if len(value) > limit:
        raise WorkflowError(f"{name} is longer than {limit} characters")
    return value


def _usb_id(payload: dict[str, Any], name: str) -> str:
    return normalise_usb_id(_text(payload, name, 6), name) if name in payload else ""


def device_event(endpoint: Endpoint, payload: dict[str, Any], signature: str | None = None) -> DeviceEvent:
    """Store and audit one device event reported by `endpoint` (with its report signature, if signed)."""
    kind = payload.get("kind")
    if not isinstance(kind, str) or kind not in DEVICE_EVENT_KINDS:
        raise WorkflowError(f"kind must be one of {', '.join(sorted(DEVICE_EVENT_KINDS))}")
    vendor, product = _usb_id(payload, "vendor_id"), _usb_id(payload, "product_id")
    serial, username = _text(payload, "serial", 128), _text(payload, "username", 150)
    occurred: datetime = timezone.now()
    if "occurred_at" in payload:
        try:
            occurred = datetime.fromisoformat(_text(payload, "occurred_at", 40).replace("Z", "+00:00"))
        except ValueError:
            raise WorkflowError("occurred_at must be an ISO 8601 time") from None
        if timezone.is_naive(occurred):
            raise WorkflowError("occurred_at needs a time zone")
        try:
            occurred.astimezone(UTC)  # year 1 at +14:00 has no UTC form: refuse it here, not in the database
        except OverflowError:
            raise WorkflowError("occurred_at is out of range") from None
    details = payload.get("details", {})
    if not isinstance(details, dict) or len(canonical_json(details)) > 8192:
        raise WorkflowError("details must be a JSON object of at most 8 KiB")
    with transaction.atomic():
        event = DeviceEvent.objects.create(
            endpoint=endpoint, kind=kind, vendor_id=vendor, product_id=product,
            serial=serial, username=username,
            occurred_at=occurred, details=details)
        record(actor_of(endpoint), f"device.{kind}", "endpoint", endpoint.name, vendor_id=vendor,
               product_id=product, serial=event.serial, username=event.username,
               occurred_at=occurred.isoformat(), details=details, **_signed(payload, signature))
    return event


def _signed(payload: dict[str, Any], signature: str | None) -> dict[str, Any]:
    # The auditor can re-check the endpoint's own signature later (signing.signed_message of the path
    # /api/device-events and this body): keep the signed body and the signature.
    return {} if signature is None else {"report": payload, "report_signature": signature}
