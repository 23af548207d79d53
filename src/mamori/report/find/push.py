"""``mamori find --push URL --token T``: per-file results to the guard's register, never a raw value.

Only the facts of the JSONL contract that describe a file are sent (path, size, mtime, owner, status, pii,
categories, persons, special_care): no samples, no hashes of content, no identity keys. Items go in batches;
each batch has an id made of the run's id and its number, so a batch sent again after a lost answer is
recognised by the server and not counted twice.
"""

from __future__ import annotations

import json
import secrets
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from typing import Any

from mamori.errors import ConfigError, MamoriError
from mamori.models import ItemResult, ScanSummary

BATCH_ITEMS = 500
PUSH_PATH = "/api/register/scans"
_FIELDS = ("path", "status", "pii", "categories", "persons", "special_care", "size", "mtime", "owner")


class PushError(MamoriError):
    """The guard refused or could not be reached; the message says what to check."""


def pushed_fields(result: ItemResult) -> dict[str, Any]:
    """The part of an item's contract line that may leave the machine."""
    line = result.contract()
    return {k: line[k] for k in _FIELDS if k in line}


def endpoint_url(base: str) -> str:
    """The push endpoint of a guard given by its base URL (or the endpoint's own URL)."""
    base = base.strip()
    if not base.startswith(("http://", "https://")):
        raise ConfigError(f"--push {base}: give the guard's URL, e.g. https://guard.example.lg.jp/")
    return base if base.rstrip("/").endswith(PUSH_PATH) else base.rstrip("/") + PUSH_PATH


@dataclass
class Pusher:
    """Collects top-level files' results and posts them in batches (the last one says the scan is complete)."""

    url: str
    token: str
    roots: tuple[str, ...]
    timeout: float = 60.0
    run_id: str = field(default_factory=lambda: secrets.token_hex(12))
    sent_batches: int = 0
    sent_items: int = 0
    _pending: list[dict[str, Any]] = field(default_factory=list)

    def add(self, result: ItemResult) -> None:
        if "!" in result.path:  # a member: its archive's line covers it
            return
        self._pending.append(pushed_fields(result))
        if len(self._pending) >= BATCH_ITEMS:
            self._send(final=False)

    def finish(self, summary: ScanSummary) -> dict[str, Any]:
        """Send what is left with the scan's totals; the server's last answer."""
        return self._send(final=True, summary={"items": summary.items, "pii_items": summary.pii_items,
                                               "not_inspected": summary.not_inspected})

    def _send(self, final: bool, summary: dict[str, Any] | None = None) -> dict[str, Any]:
        body: dict[str, Any] = {"batch": f"{self.run_id}-{self.sent_batches:06d}", "run": self.run_id,
                                "roots": list(self.roots), "final": final, "items": self._pending}
        if summary is not None:
            body["summary"] = summary
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        answer = self._post(data)
        self.sent_batches += 1
        self.sent_items += len(self._pending)
        self._pending = []
        return answer

    def _post(self, data: bytes, attempts: int = 3) -> dict[str, Any]:
        headers = {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"}
        last = ""
        for _ in range(attempts):  # the same batch id each time: the server counts it once
            request = urllib.request.Request(self.url, data=data, headers=headers, method="POST")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    answer = json.loads(response.read(1 << 20) or b"{}")
                    return answer if isinstance(answer, dict) else {}
            except urllib.error.HTTPError as exc:
                detail = exc.read(4096).decode("utf-8", "replace")
                if exc.code < 500:
                    raise PushError(f"the guard refused the scan results (HTTP {exc.code}: {_message(detail)}); "
                                    "check --token and the guard's URL") from None
                last = f"HTTP {exc.code}"
            except (urllib.error.URLError, OSError, ValueError) as exc:
                last = str(getattr(exc, "reason", exc))
        raise PushError(f"the scan results could not be sent to {self.url} ({last}); check that the guard runs "
                        "and try again")


def _message(detail: str) -> str:
    try:
        parsed = json.loads(detail)
    except ValueError:
        return detail[:200]
    return str(parsed.get("message", detail))[:200] if isinstance(parsed, dict) else detail[:200]
