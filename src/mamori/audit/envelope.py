"""Opening a signed JSON envelope (``{"format", <body key>, "signature", "key"}``) with the key the reader holds.

Grants and media policies travel this way. The key named inside the envelope is never trusted: only the
verifier the caller pins counts. Each document kind keeps its own exception and wording.
"""

from __future__ import annotations

import base64
import binascii
import json
from collections.abc import Callable
from typing import Any

from mamori.audit.checkpoint import Verifier, parse_verifier
from mamori.errors import MamoriError


def open_envelope(envelope: str | bytes, public_key: Verifier | str, *, fmt: str, body_key: str,
                  message_of: Callable[[Any], bytes], invalid: type[MamoriError], max_bytes: int,
                  too_large: str, malformed: str, forged: str) -> Any:
    """The envelope's body if `public_key` signed `message_of(body)`; `invalid(…)` with the given wording otherwise."""
    if len(envelope) > max_bytes:
        raise invalid(too_large)
    try:
        verifier = parse_verifier(public_key) if isinstance(public_key, str) else public_key
        doc: Any = json.loads(envelope)
        if not isinstance(doc, dict) or doc.get("format") != fmt:
            raise invalid(f"not a {fmt} document")
        body, signature = doc[body_key], base64.b64decode(doc["signature"], validate=True)
        message = message_of(body)
    except invalid:
        raise
    except (ValueError, KeyError, TypeError, RecursionError, binascii.Error, MamoriError) as exc:
        raise invalid(f"{malformed}: {exc}") from exc
    if not verifier.verify(message, signature):
        raise invalid(forged)
    return body
