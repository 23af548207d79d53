"""Grants on the endpoint: fetch or read one, verify it against the pinned key, use it once.

The signature is checked with the key pinned at enrolment, never with the key named inside the
envelope. Single use is enforced twice: a local ledger (which also covers a PC that is offline), and,
when the server is reachable, its list of unused grants (a grant used on another PC is gone from it).
An offline export is reported when the server is next reachable; the server refuses a second report.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mamori.agent.client import ServerClient
from mamori.agent.home import AgentConfig, AgentHome, fingerprint, write_private
from mamori.agent.queue import Unreachable
from mamori.agent.refusal import AgentError, ExportRefused
from mamori.guard.exports.grants import GrantInvalid, verify_grant


@dataclass(frozen=True)
class Grant:
    """A verified grant document and the envelope it came in."""

    doc: dict[str, Any]
    envelope: str

    @property
    def grant_id(self) -> str:
        return str(self.doc["grant_id"])

    @property
    def request_id(self) -> int:
        return int(self.doc["request_id"])

    @property
    def medium(self) -> dict[str, str]:
        return {k: str(self.doc["medium"][k]) for k in ("vendor_id", "product_id", "serial")}

    @property
    def files(self) -> list[dict[str, Any]]:
        return list(self.doc["files"])


def check_server_key(config: AgentConfig, client: ServerClient | None) -> bool:
    """True when the server was reached and serves the pinned key; False offline; refusal if it changed."""
    if client is None:
        return False
    try:
        served = client.grant_key()
    except Unreachable:
        return False
    if served.strip() != config.grant_key.strip():
        raise ExportRefused("server_key_changed",
                            f"pinned {config.grant_fingerprint[:19]}…, served {fingerprint(served)[:19]}…")
    return True


def _fetch(grant_id: str, client: ServerClient | None) -> str:
    if client is None:
        raise ExportRefused("grant_unavailable", grant_id)
    try:
        envelopes = client.grants()
    except Unreachable as exc:
        raise ExportRefused("grant_unavailable", str(exc)) from exc
    for envelope in envelopes:
        inner = envelope.get("grant")
        if isinstance(inner, dict) and str(inner.get("grant_id")) == grant_id:
            return json.dumps(envelope, ensure_ascii=False, sort_keys=True)
    raise ExportRefused("grant_unavailable", f"the server has no unused grant {grant_id} for this PC")


def load(source: str, config: AgentConfig, client: ServerClient | None, online: bool,
         now: datetime | None = None) -> Grant:
    """The grant named by `source` (a grant file or a grant id), verified; ExportRefused otherwise."""
    path = Path(source)
    if path.is_file():
        try:
            envelope = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ExportRefused("forged", f"cannot read {path}: {exc}") from exc
    else:
        envelope = _fetch(source, client if online else None)
    try:
        doc = verify_grant(envelope, config.grant_verifier(), now=now or datetime.now(UTC))
    except GrantInvalid as exc:
        raise ExportRefused("expired" if "expired" in str(exc) else "forged", str(exc)) from exc
    try:
        grant = Grant(doc, envelope)
        _ = (grant.grant_id, grant.request_id, grant.medium,
             [(str(f["name"]), str(f["sha256"]), int(f["size"])) for f in grant.files])
    except (KeyError, TypeError, ValueError) as exc:
        raise ExportRefused("forged", f"the signed grant lacks {exc}") from exc
    return grant


def check_unused_on_server(grant: Grant, client: ServerClient | None) -> None:
    """Refuse a grant the server no longer lists as unused (used elsewhere, withdrawn); offline: skip."""
    if client is None:
        return
    try:
        listed = client.grants()
    except Unreachable:
        return
    ids = {str(g.get("grant", {}).get("grant_id")) for g in listed if isinstance(g.get("grant"), dict)}
    if grant.grant_id not in ids:
        raise ExportRefused("used", f"the server no longer lists grant {grant.grant_id} as unused")


class Ledger:
    """Grants this PC has started (`writing`) or finished (`written`); one 0600 file per grant."""

    def __init__(self, home: AgentHome) -> None:
        self.root = home.path / "ledger"
        self.root.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _path(self, grant_id: str) -> Path:
        if not grant_id.replace("-", "").isalnum():
            raise AgentError(f"grant id {grant_id!r} is not a grant id")
        return self.root / f"{grant_id}.json"

    def state(self, grant_id: str) -> dict[str, Any] | None:
        """The ledger entry of `grant_id`, if any."""
        try:
            data = json.loads(self._path(grant_id).read_bytes())
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:
            raise AgentError(f"the ledger entry of {grant_id} is damaged: {exc}") from exc
        return data if isinstance(data, dict) else None

    def begin(self, grant: Grant) -> None:
        """Record that this grant's export starts; refuse one already written."""
        entry = self.state(grant.grant_id)
        if entry is not None and entry.get("state") == "written":
            raise ExportRefused("used", f"written on {entry.get('written_at', '?')} from this PC")
        self._write(grant.grant_id, {"state": "writing", "request_id": grant.request_id,
                                     "started_at": _now(), "pid": os.getpid()})

    def finish(self, grant: Grant, details: dict[str, Any]) -> None:
        """Record that the export is on the medium: the grant is spent on this PC from now on."""
        self._write(grant.grant_id, {"state": "written", "request_id": grant.request_id,
                                     "written_at": _now(), **details})

    def abandon(self, grant: Grant) -> None:
        """Forget a start that wrote nothing, so the grant can be tried again."""
        self._path(grant.grant_id).unlink(missing_ok=True)

    def _write(self, grant_id: str, data: dict[str, Any]) -> None:
        write_private(self._path(grant_id), json.dumps(data, ensure_ascii=False).encode())


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
