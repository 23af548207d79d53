"""Grant documents: Ed25519-signed JSON binding a request to a medium, exact files and an expiry.

Pure functions (no Django), so the endpoint agent can verify a grant offline with the server's
public key (HOME/guard/grant.pub)::

    {"format": "mamori-grant/1",
     "grant": {"grant_id", "request_id", "requester", "medium": {"vendor_id", "product_id", "serial"},
               "files": [{"name", "sha256", "size"}], "purpose", "recipient",
               "issued_at", "expires_at", "nonce"},
     "signature": base64(Ed25519(canonical JSON of "grant")),
     "key": "mamori-grant+<id>+<base64 key>"}
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mamori.audit.checkpoint import (
    Signer,
    Verifier,
    generate_signer,
    load_signer,
    load_verifier,
    save_signer,
)
from mamori.audit.envelope import open_envelope
from mamori.audit.event import canonical_json
from mamori.errors import AuditError, PermissionDenied
from mamori.guard.home import guard_dir

FORMAT = "mamori-grant/1"
KEY_NAME = "mamori-grant"
_MAX_ENVELOPE = 4 * 1024 * 1024


class GrantInvalid(PermissionDenied):
    """A grant that is forged, altered, malformed or expired."""


def key_path(home: Path) -> Path:
    """HOME/guard/grant.key (0600); the public key is beside it as grant.pub."""
    return guard_dir(home) / "grant.key"


def grant_signer(home: Path) -> Signer:
    """The server's grant-signing key, created on first use."""
    path = key_path(home)
    if not path.exists():
        try:
            save_signer(generate_signer(KEY_NAME), path)
        except AuditError:
            if not path.exists():
                raise
    return load_signer(path)


def grant_verifier(home: Path) -> Verifier:
    """The public key that verifies this server's grants."""
    grant_signer(home)
    return load_verifier(key_path(home).with_suffix(".pub"))


def utc_iso(moment: datetime) -> str:
    """`moment` as UTC ISO 8601 with a Z suffix (seconds)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def sign_grant(document: dict[str, Any], signer: Signer) -> str:
    """The signed envelope (JSON text) for `document`."""
    signature = signer.sign(canonical_json(document))
    envelope = {"format": FORMAT, "grant": document, "signature": base64.b64encode(signature).decode(),
                "key": signer.verifier.to_text()}
    return json.dumps(envelope, ensure_ascii=False, sort_keys=True)


def _grant_message(grant: Any) -> bytes:
    if not isinstance(grant, dict):
        raise GrantInvalid("the grant body is not an object")
    return canonical_json(grant)


def verify_grant(envelope: str | bytes, public_key: Verifier | str, now: datetime | None = None) -> dict[str, Any]:
    """The grant document if the signature is the holder's key's and it has not expired; GrantInvalid otherwise.

    The key named inside the envelope is ignored: only `public_key`, which the verifier holds, counts.
    """
    grant: dict[str, Any] = open_envelope(
        envelope, public_key, fmt=FORMAT, body_key="grant", message_of=_grant_message, invalid=GrantInvalid,
        max_bytes=_MAX_ENVELOPE, too_large="grant is implausibly large", malformed="grant is malformed",
        forged="grant signature does not verify: forged or altered")
    try:
        expires = datetime.strptime(str(grant["expires_at"]), "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    except (KeyError, ValueError) as exc:
        raise GrantInvalid("grant has no valid expires_at") from exc
    if (now or datetime.now(UTC)) >= expires:
        raise GrantInvalid(f"grant expired at {grant['expires_at']}")
    return grant
