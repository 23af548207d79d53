"""Signed agent reports: an endpoint registered with an Ed25519 public key signs every report body.

The signature covers the canonical JSON (sorted keys, compact, UTF-8) of ``{"path": <request path>,
"body": <parsed body>}``, so the agent and the server agree on the bytes whatever whitespace or key
order travelled, and a report signed for one grant cannot be replayed against another. The key is a
verifier line (``name+id+base64``) as `mamori.audit` writes them; the agent's private key never
leaves the endpoint.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from typing import Any

from mamori.audit.checkpoint import Signer, parse_verifier
from mamori.audit.event import canonical_json
from mamori.errors import AuditError, PermissionDenied, WorkflowError

SIGNATURE_HEADER = "Mamori-Signature"
_MAX_SIGNATURE = 200


class SignatureInvalid(PermissionDenied):
    """A report whose signature is missing, malformed or not by the endpoint's key (HTTP 403)."""


def fingerprint(key_text: str) -> str:
    """SHA-256 of a key line, in groups of four hex digits: what an administrator reads out at enrolment."""
    digest = hashlib.sha256(key_text.strip().encode("ascii", "replace")).hexdigest()
    return " ".join(digest[i:i + 4] for i in range(0, 64, 4))


def check_public_key(text: str) -> str:
    """`text` normalised if it is an Ed25519 verifier line; WorkflowError otherwise."""
    try:
        return parse_verifier(text).to_text()
    except AuditError as exc:
        raise WorkflowError(f"the endpoint's public key is not usable: {exc}") from exc


def signed_message(path: str, body: dict[str, Any]) -> bytes:
    """The bytes a report signature covers: the canonical JSON of the request path and the body."""
    return canonical_json({"path": path, "body": body})


def sign_report(path: str, body: dict[str, Any], signer: Signer) -> str:
    """The header value an agent sends with `body` to `path` (base64 Ed25519 signature)."""
    return base64.b64encode(signer.sign(signed_message(path, body))).decode()


def verify_report(public_key: str, path: str, body: dict[str, Any], header: str | None) -> str:
    """The signature (base64) if it is `public_key`'s over (`path`, `body`); SignatureInvalid otherwise."""
    if not header:
        raise SignatureInvalid(f"this endpoint signs its reports: send the {SIGNATURE_HEADER} header")
    if len(header) > _MAX_SIGNATURE:
        raise SignatureInvalid(f"the {SIGNATURE_HEADER} header is too long")
    try:
        signature = base64.b64decode(header.strip(), validate=True)
        message = signed_message(path, body)
        verifier = parse_verifier(public_key)
    except (binascii.Error, ValueError) as exc:
        raise SignatureInvalid(f"the {SIGNATURE_HEADER} header is not base64") from exc
    except AuditError as exc:
        raise SignatureInvalid(f"the report cannot be checked: {exc}") from exc
    if not verifier.verify(message, signature):
        raise SignatureInvalid("the report's signature does not verify with the endpoint's registered key")
    return base64.b64encode(signature).decode()
