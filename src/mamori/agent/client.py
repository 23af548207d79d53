"""The guard server's agent API over HTTP(S): bearer token, signed reports, no third-party HTTP stack."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from mamori.agent.queue import Unreachable
from mamori.agent.refusal import AgentError
from mamori.audit.checkpoint import Signer
from mamori.guard.api.signing import SIGNATURE_HEADER, sign_report

TIMEOUT = 15.0
_MAX_ANSWER = 16 * 1024 * 1024


class ServerClient:
    """One server, one endpoint token, and the endpoint's key that signs reports."""

    def __init__(self, server: str, token: str, signer: Signer | None = None, timeout: float = TIMEOUT) -> None:
        if not server.startswith(("http://", "https://")):
            raise AgentError(f"the server address must start with https:// or http:// (got {server!r})")
        self.server = server.rstrip("/")
        self.token = token
        self.signer = signer
        self.timeout = timeout

    def call(self, method: str, path: str, body: bytes | None = None,
             headers: dict[str, str] | None = None) -> tuple[int, dict[str, Any]]:
        """(status, JSON answer); Unreachable when there is no answer, a 5xx, or the server asks to wait."""
        request = urllib.request.Request(self.server + path, data=body, method=method, headers={
            "Authorization": f"Bearer {self.token}", "Accept": "application/json",
            **({"Content-Type": "application/json"} if body is not None else {}), **(headers or {})})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:
                status, raw = answer.status, answer.read(_MAX_ANSWER)
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read(_MAX_ANSWER)
        except (OSError, ValueError) as exc:
            raise Unreachable(f"cannot reach {self.server}: {exc}") from exc
        if status >= 500 or status in (408, 429):
            raise Unreachable(f"{self.server} answered {status}; will try again later")
        try:
            parsed = json.loads(raw) if raw.strip() else {}
        except ValueError:
            raise Unreachable(f"{self.server}{path} answered {status} with something that is not JSON") from None
        return status, parsed if isinstance(parsed, dict) else {"value": parsed}

    def _ok(self, method: str, path: str, body: bytes | None = None) -> dict[str, Any]:
        status, answer = self.call(method, path, body)
        if status >= 300:
            raise AgentError(f"{method} {path}: the server answered {status}: {answer.get('message', answer)}")
        return answer

    def send(self, path: str, body: bytes, key: str | None) -> tuple[int, dict[str, Any]]:
        """POST a report (with its idempotency key, if any), signed with the endpoint's key."""
        headers = {"Idempotency-Key": key} if key is not None else {}
        if self.signer is not None:
            headers[SIGNATURE_HEADER] = sign_report(path, json.loads(body), self.signer)
        return self.call("POST", path, body, headers)

    def enrol(self, public_key: str, hostname: str) -> dict[str, Any]:
        """Register this endpoint's public key with the one-time enrolment token; returns what to pin."""
        body = json.dumps({"public_key": public_key, "hostname": hostname}).encode()
        return self._ok("POST", "/api/enrol", body)

    def grant_key(self) -> str:
        """The server's grant-signing key as it serves it now."""
        key = self._ok("GET", "/api/grant-key").get("key")
        if not isinstance(key, str):
            raise AgentError("the server's /api/grant-key answer has no key")
        return key

    def grants(self) -> list[dict[str, Any]]:
        """Unused, unexpired signed grant envelopes for this endpoint."""
        found = self._ok("GET", "/api/grants").get("grants", [])
        return [g for g in found if isinstance(g, dict)] if isinstance(found, list) else []
