"""What the agent's commands do: enrol, export, sync, status (the CLI only parses and presents)."""

from __future__ import annotations

import contextlib
import fcntl
import getpass
import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from mamori.agent import grant as grants
from mamori.agent.client import ServerClient
from mamori.agent.export import Exporter, ExportResult, Writer, remove_stale, write_receipt
from mamori.agent.home import AgentConfig, AgentHome, fingerprint, write_private
from mamori.agent.medium import MediumProbe
from mamori.agent.policy import applied_version
from mamori.agent.queue import EventQueue, FlushResult, QueuedEvent, Unreachable
from mamori.agent.refusal import AgentError, ExportRefused
from mamori.audit.checkpoint import parse_verifier
from mamori.errors import AuditError
from mamori.i18n import t

POLICY_VERSION_FILE = "policy-version"  # for a policy applied by other means (a version number alone)


def enrol(home: AgentHome, server: str, token: str, *, hostname: str | None = None,
          expect_fingerprint: str | None = None, force: bool = False,
          sysfs_root: str = "/sys", mountinfo: str = "/proc/self/mountinfo") -> AgentConfig:
    """Register this PC's key with the server (one-time token) and pin the server's grant-signing key."""
    if home.enrolled and not force:
        raise AgentError(f"{home.path} is already enrolled; use --force to enrol again")
    home.create()
    signer = home.signer()
    answer = ServerClient(server, token).enrol(signer.verifier.to_text(), hostname or socket.gethostname())
    try:
        grant_key = parse_verifier(str(answer["grant_key"])).to_text()
        audit_key = parse_verifier(str(answer["audit_key"])).to_text()
        endpoint, new_token = str(answer["endpoint"]), str(answer["token"])
    except (KeyError, AuditError) as exc:
        raise AgentError(f"the server's enrolment answer is not usable: {exc}") from exc
    wanted = (expect_fingerprint or "").replace(" ", "").replace(":", "").lower()
    if wanted and not fingerprint(grant_key).replace(" ", "").startswith(wanted):
        raise ExportRefused("server_key_changed", f"the server's key has fingerprint {fingerprint(grant_key)}, "
                                                  f"not {expect_fingerprint}")
    config = AgentConfig(server=server.rstrip("/"), endpoint=endpoint, token=new_token, grant_key=grant_key,
                         audit_key=audit_key, enrolled_at=_now(), sysfs_root=sysfs_root, mountinfo=mountinfo)
    home.save(config)
    return config


@dataclass
class Agent:
    """An enrolled agent home with its server, queue, ledger and medium probe."""

    home: AgentHome
    writer: Writer
    lang: str = "ja"

    def __post_init__(self) -> None:
        self.config = self.home.config()
        self.client = ServerClient(self.config.server, self.config.token, self.home.signer())
        self.queue = EventQueue(self.home.path / "queue")
        self.ledger = grants.Ledger(self.home)
        self.probe = MediumProbe(Path(self.config.sysfs_root), Path(self.config.mountinfo))

    def export(self, grant_source: str, source: Path, mount: Path) -> tuple[ExportResult, FlushResult]:
        """Export one grant (see mamori.agent.export); a refusal is queued as an event and re-raised.

        One export at a time per PC (a lock in the home): the clean-up of a killed export's leftovers on
        the medium must never remove the folder of one still running.
        """
        with open(self.home.path / "export.lock", "a+b") as lock:
            os.chmod(lock.name, 0o600)
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            return self._export(grant_source, source, mount)

    def _export(self, grant_source: str, source: Path, mount: Path) -> tuple[ExportResult, FlushResult]:
        online = False
        try:
            online = grants.check_server_key(self.config, self.client)
            self._refuse_spent_id(grant_source)
            grant = grants.load(grant_source, self.config, self.client, online)
            entry = self.ledger.state(grant.grant_id)
            if entry is not None and entry.get("state") == "written":
                raise ExportRefused("used", f"written on {entry.get('written_at', '?')} from this PC")
            if online and entry is None:  # an entry "writing" is this PC's own killed attempt: finish it
                grants.check_unused_on_server(grant, self.client)
            exporter = Exporter(self.probe, self.ledger, self.writer, self.config.endpoint, self.config.audit_key)
            beside = frozenset({Path(grant_source).resolve()}) if Path(grant_source).is_file() else frozenset()
            result = exporter.export(grant, source, mount, ignore=beside)
        except ExportRefused as refusal:
            self._refused(refusal, grant_source, mount, online)
            raise
        # The report's key is the grant's: a retry after a crash queues nothing new.
        self.queue.enqueue(f"/api/exports/{result.grant_id}/executed", result.executed_report(), "executed",
                           key=f"executed-{result.grant_id}")
        self.queue.enqueue("/api/device-events", {
            **result.medium.as_grant(), "kind": "written", "occurred_at": result.manifest["written_at"],
            "username": _user(),
            "details": {"grant_id": result.grant_id, "request_id": result.request_id, "files": len(result.files),
                        "bytes": sum(f.size for f in result.files), "folder": result.folder.name}},
            "written", key=f"written-{result.grant_id}")
        self.ledger.finish(grant, {"folder": str(result.folder), "files": len(result.files)})
        if not online:
            return result, FlushResult(0, 0, len(self.queue.pending()), "offline")
        flushed = self.sync_queue()
        with contextlib.suppress(AgentError):  # the export stands; the next sync sends the status again
            self.report_status()
        return result, flushed

    def _refuse_spent_id(self, grant_source: str) -> None:
        # A grant id this PC already wrote is gone from the server's list: say "used", not "not found".
        if Path(grant_source).is_file() or not grant_source.replace("-", "").isalnum():
            return
        entry = self.ledger.state(grant_source)
        if entry is not None and entry.get("state") == "written":
            raise ExportRefused("used", f"written on {entry.get('written_at', '?')} from this PC")

    def _refused(self, refusal: ExportRefused, grant_source: str, mount: Path, online: bool) -> None:
        medium: dict[str, str] = {}
        with contextlib.suppress(ExportRefused):
            medium = self.probe.identify(mount).as_grant()
        grant_id = grant_source if not Path(grant_source).is_file() else Path(grant_source).name
        self.queue.enqueue("/api/device-events", {
            **medium, "kind": "write_refused", "occurred_at": _now(), "username": _user(),
            "details": {"reason": refusal.code, "message": t(f"agent.refused.{refusal.code}", "ja"),
                        "message_en": t(f"agent.refused.{refusal.code}", "en"), "detail": refusal.detail[:500],
                        "grant": grant_id[:200]}},
            "write_refused")
        if online:  # offline, the refusal waits in the queue like everything else
            with contextlib.suppress(AgentError):
                self.sync_queue()

    def _on_done(self, event: QueuedEvent, answer: dict[str, Any]) -> None:
        """Keep the receipt of an executed report, on this PC and beside the export on the medium."""
        receipt = answer.get("receipt")
        if not event.path.endswith("/executed") or not isinstance(receipt, dict):
            return
        grant_id = event.path.split("/")[-2]
        write_private(self.home.receipt_path(grant_id), json.dumps(receipt, ensure_ascii=False).encode())
        entry = self.ledger.state(grant_id) or {}
        if entry.get("folder"):
            write_receipt(Path(entry["folder"]), receipt)

    def sync_queue(self) -> FlushResult:
        """Send what is queued, keep receipts, and place receipts on media that are back."""
        result = self.queue.flush(self.client.send, self._on_done)
        self.place_receipts()
        return result

    def place_receipts(self) -> list[Path]:
        """Write receipts that arrived while a medium was away onto it, now that it is mounted again."""
        placed = []
        for receipt_file in sorted((self.home.path / "receipts").glob("*.json")):
            entry = self.ledger.state(receipt_file.stem) or {}
            folder = Path(entry["folder"]) if entry.get("folder") else None
            if folder is not None and folder.is_dir() and not (folder / "mamori-receipt.json").exists():
                target = write_receipt(folder, json.loads(receipt_file.read_bytes()))
                if target is not None:
                    placed.append(target)
        return placed

    def report_status(self) -> bool:
        """Tell the server how many events wait here and which device policy is applied; False offline."""
        body = {"queued": len(self.queue.pending()), "policy_version": self.policy_version(),
                "agent_version": _version()}
        raw = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()
        try:
            status, answer = self.client.send("/api/endpoint-status", raw, None)
        except Unreachable:
            return False
        if status >= 300:
            raise AgentError(f"the server refused the status report ({status}): {answer.get('message', answer)}")
        return True

    def policy_version(self) -> int | None:
        """The device-policy version in force on this PC: `mamori agent policy apply --state <agent home>`
        records it there; a plain `policy-version` file in the home is read otherwise."""
        applied = applied_version(self.home.path)
        if applied is not None:
            return applied
        try:
            return int((self.home.path / POLICY_VERSION_FILE).read_text(encoding="ascii").strip())
        except (OSError, ValueError):
            return None

    def sync(self) -> tuple[FlushResult, bool]:
        """Flush the queue and report status; (what was sent, whether the server was reached)."""
        result = self.sync_queue()
        return result, (not result.unreachable) and self.report_status()

    def status(self) -> dict[str, Any]:
        """What `mamori agent status` shows."""
        online = True
        key_ok: bool | None = None
        try:
            key_ok = grants.check_server_key(self.config, self.client)
            online = key_ok
        except ExportRefused:
            key_ok = False
        return {"home": str(self.home.path), "server": self.config.server, "endpoint": self.config.endpoint,
                "enrolled_at": self.config.enrolled_at, "grant_key_fingerprint": self.config.grant_fingerprint,
                "server_reachable": online, "server_key_matches": key_ok,
                "queued": len(self.queue.pending()), "sent": len(self.queue.finished("done")),
                "refused_by_server": self.queue.finished("failed"),
                "policy_version": self.policy_version(),
                "exports": sorted(p.stem for p in (self.home.path / "ledger").glob("*.json"))}


def cleanup_medium(mount: Path) -> list[str]:
    """Remove what a killed export left on a medium (hidden folders only)."""
    return remove_stale(mount)


def make_agent(home: Path, writer: Writer | None = None, lang: str = "ja") -> Agent:
    """The agent of `home` (the default writer copies with the kernel and syncs the file system)."""
    return Agent(AgentHome(home), writer or Writer(), lang)


def _user() -> str:
    """Who ran the export: the user behind sudo when the agent runs as root for them."""
    try:
        return (os.environ.get("SUDO_USER") or getpass.getuser())[:150]
    except (KeyError, OSError):
        return ""


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _version() -> str:
    from mamori import __version__

    return __version__
