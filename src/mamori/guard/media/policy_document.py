"""The signed, versioned media policy: which USB media endpoints allow, as the server's register says.

Pure functions (no Django), shared by the server that signs and the agent that verifies offline with
the grant-signing key it pinned at enrolment::

    {"format": "mamori-media-policy/1",
     "policy": {"version": 7, "issued_at": "2026-12-07T09:00:00Z",
                "media": [{"medium_id": 3, "vendor_id": "0781", "product_id": "5581", "serial": "4C53…",
                           "interfaces": ["08:*:*"], "state": "lent", "allowed": true, "label": "…"}]},
     "signature": base64(Ed25519(canonical JSON of {"format": …, "policy": …})),
     "key": "mamori-grant+<id>+<base64 key>"}

The signed message carries the format name, so a policy signature can never pass for a grant's (whose
message is the bare grant object) nor the other way round.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from mamori.audit.checkpoint import Signer, Verifier
from mamori.audit.envelope import open_envelope
from mamori.audit.event import canonical_json
from mamori.errors import PermissionDenied

FORMAT = "mamori-media-policy/1"
MASS_STORAGE = "08:*:*"
MAX_ENVELOPE = 8 * 1024 * 1024
MAX_MEDIA = 20_000
_HEX4 = re.compile(r"[0-9a-f]{4}")
_INTERFACE = re.compile(r"[0-9a-f]{2}:([0-9a-f]{2}:([0-9a-f]{2}|\*)|\*:\*)")
_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")


class PolicyInvalid(PermissionDenied):
    """A media policy that is forged, altered or malformed: the agent keeps its last good policy."""


@dataclass(frozen=True)
class PolicyMedium:
    """One registered medium as endpoints see it."""

    medium_id: int
    vendor_id: str
    product_id: str
    serial: str
    interfaces: tuple[str, ...]
    state: str
    allowed: bool
    label: str = ""

    def to_json(self) -> dict[str, Any]:
        """The medium as it appears in the signed document."""
        return {"medium_id": self.medium_id, "vendor_id": self.vendor_id, "product_id": self.product_id,
                "serial": self.serial, "interfaces": list(self.interfaces), "state": self.state,
                "allowed": self.allowed, "label": self.label}


@dataclass(frozen=True)
class MediaPolicy:
    """A verified (or about to be signed) policy."""

    version: int
    issued_at: str
    media: tuple[PolicyMedium, ...]

    def to_json(self) -> dict[str, Any]:
        """The signed body."""
        return {"version": self.version, "issued_at": self.issued_at, "media": [m.to_json() for m in self.media]}

    @property
    def allowed(self) -> tuple[PolicyMedium, ...]:
        """Media endpoints let through (read-only for users)."""
        return tuple(m for m in self.media if m.allowed)

    @property
    def blocked(self) -> tuple[PolicyMedium, ...]:
        """Registered media that must stay blocked (lost, retired)."""
        return tuple(m for m in self.media if not m.allowed)


def utc_now_iso() -> str:
    """Now, UTC, ISO 8601 with Z (seconds)."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _message(body: dict[str, Any]) -> bytes:
    return canonical_json({"format": FORMAT, "policy": body})


def sign_policy(policy: MediaPolicy, signer: Signer) -> str:
    """The signed envelope (JSON text) of `policy`."""
    body = policy.to_json()
    envelope = {"format": FORMAT, "policy": body, "key": signer.verifier.to_text(),
                "signature": base64.b64encode(signer.sign(_message(body))).decode()}
    return json.dumps(envelope, ensure_ascii=False, sort_keys=True)


def _text(item: dict[str, Any], key: str, limit: int) -> str:
    value = item.get(key)
    if not isinstance(value, str) or len(value) > limit:
        raise PolicyInvalid(f"media entry: {key} must be text of at most {limit} characters")
    return value


def _medium(item: Any) -> PolicyMedium:
    if not isinstance(item, dict):
        raise PolicyInvalid("media entry is not an object")
    vendor, product = _text(item, "vendor_id", 4), _text(item, "product_id", 4)
    if not (_HEX4.fullmatch(vendor) and _HEX4.fullmatch(product)):
        raise PolicyInvalid(f"media entry: vendor/product id must be four lower-case hex digits ({vendor}:{product})")
    serial = _text(item, "serial", 128)
    if not serial or not serial.isprintable():
        raise PolicyInvalid("media entry: the serial must be 1–128 printable characters")
    interfaces = item.get("interfaces")
    if (not isinstance(interfaces, list) or not 1 <= len(interfaces) <= 16
            or not all(isinstance(i, str) and _INTERFACE.fullmatch(i) for i in interfaces)):
        raise PolicyInvalid("media entry: interfaces must be 1–16 USB interface types like 08:*:*")
    medium_id, allowed = item.get("medium_id"), item.get("allowed")
    if not isinstance(medium_id, int) or isinstance(medium_id, bool) or medium_id < 0:
        raise PolicyInvalid("media entry: medium_id must be a non-negative integer")
    if not isinstance(allowed, bool):
        raise PolicyInvalid("media entry: allowed must be true or false")
    return PolicyMedium(medium_id, vendor, product, serial, tuple(interfaces), _text(item, "state", 20), allowed,
                        _text(item, "label", 200))


def policy_from_json(body: Any) -> MediaPolicy:
    """A MediaPolicy from its JSON body (already verified); PolicyInvalid when a field is wrong."""
    if not isinstance(body, dict):
        raise PolicyInvalid("the policy body is not an object")
    version, issued_at, media = body.get("version"), body.get("issued_at"), body.get("media")
    if not isinstance(version, int) or isinstance(version, bool) or not 0 <= version < 2**63:
        raise PolicyInvalid("the policy version must be a non-negative integer")
    if not isinstance(issued_at, str) or not _TIME.fullmatch(issued_at):
        raise PolicyInvalid("the policy has no valid issued_at")
    if not isinstance(media, list) or len(media) > MAX_MEDIA:
        raise PolicyInvalid(f"the policy's media must be a list of at most {MAX_MEDIA}")
    parsed = tuple(_medium(item) for item in media)
    identities = [(m.vendor_id, m.product_id, m.serial) for m in parsed]
    if len(set(identities)) != len(identities):
        raise PolicyInvalid("the policy lists one medium twice")
    return MediaPolicy(version, issued_at, parsed)


def verify_policy(envelope: str | bytes, public_key: Verifier | str) -> MediaPolicy:
    """The policy if `public_key` signed it; PolicyInvalid otherwise (the key inside the envelope is ignored)."""
    body = open_envelope(envelope, public_key, fmt=FORMAT, body_key="policy", message_of=_message,
                         invalid=PolicyInvalid, max_bytes=MAX_ENVELOPE,
                         too_large="the media policy is implausibly large",
                         malformed="the media policy is malformed",
                         forged="the media policy's signature does not verify with the pinned server key: "
                                "forged or altered")
    return policy_from_json(body)
