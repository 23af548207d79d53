"""The agent's outbox: device events and export reports kept on disk until the server has them.

One file per event, written to ``tmp/``, fsynced, then renamed into ``pending/`` (rename is atomic,
so an event is either wholly queued or not at all). Each event carries its own Idempotency-Key and the
exact body bytes it will send, so a resend after a crash — the server had it, the agent died before
noting so — is answered by the server from its idempotency table instead of being counted twice.
Sent events move to ``done/`` with the server's answer; ones the server refuses for good to ``failed/``.

Why files and not SQLite: the queue is written by short-lived commands and read by others, each
event is written once and removed once, and what a crash can leave behind is exactly one stray
``tmp/`` file or one event in two folders — both recognised and repaired by `recover`. There is no
shared database file whose lock a killed process could hold, and an administrator can read the
queue with `ls` and `cat` when the server is down.
"""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from mamori.agent.home import fsync_dir, write_private
from mamori.agent.refusal import AgentError

FOLDERS = ("tmp", "pending", "done", "failed")
_KEY = re.compile(r"[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}", re.ASCII)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process is recovering, so it is not writing
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Unreachable(AgentError):
    """The server could not be reached or answered 5xx: keep the event and try later."""


@dataclass(frozen=True)
class QueuedEvent:
    """One report waiting to go: which API path, the exact body, its idempotency key."""

    key: str
    path: str
    body: bytes
    kind: str
    created_at: str
    file: Path

    def to_json(self) -> bytes:
        return json.dumps({"key": self.key, "path": self.path, "body": self.body.decode("utf-8"),
                           "kind": self.kind, "created_at": self.created_at}, ensure_ascii=False).encode()


Send = Callable[[str, bytes, str], tuple[int, dict[str, Any]]]
Done = Callable[[QueuedEvent, dict[str, Any]], None]


@dataclass(frozen=True)
class FlushResult:
    """What one flush did."""

    sent: int
    failed: int
    pending: int
    unreachable: str = ""


class EventQueue:
    """The queue under `root` (inside the agent home)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        for name in FOLDERS:
            (root / name).mkdir(parents=True, exist_ok=True, mode=0o700)
        self.recover()

    def recover(self) -> None:
        """Repair what a kill can leave: half-written tmp files, and events both pending and done."""
        for stray in (self.root / "tmp").iterdir():
            # tmp files are named <pid>.<name>: only a dead writer's are strays (another command may be
            # enqueueing right now).
            pid = stray.name.partition(".")[0]
            if not pid.isdigit() or not _alive(int(pid)):
                stray.unlink(missing_ok=True)
        done = {p.stem for p in (self.root / "done").iterdir()} | {p.stem for p in (self.root / "failed").iterdir()}
        for item in (self.root / "pending").iterdir():
            if item.stem.partition("-")[2] in done:
                item.unlink(missing_ok=True)

    def enqueue(self, path: str, body: dict[str, Any], kind: str, key: str | None = None) -> str:
        """Queue `body` for `path`; durable when this returns. The key is returned (and is the event's id)."""
        key = str(uuid.uuid4()) if key is None else key
        if not _KEY.fullmatch(key):
            raise AgentError(f"an event key is 1-100 letters, digits, '.', '_' or '-' (got {key!r})")
        if self.has(key):
            return key  # a retry after a crash: the first enqueue of this key stands
        raw = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()
        name = f"{time.time_ns():020d}-{key}"
        event = QueuedEvent(key, path, raw, kind, time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                            self.root / "pending" / f"{name}.json")
        tmp = self.root / "tmp" / f"{os.getpid()}.{name}.json"
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(event.to_json())
            out.flush()
            os.fsync(out.fileno())
        os.rename(tmp, event.file)
        fsync_dir(event.file.parent)
        return key

    def has(self, key: str) -> bool:
        """True when an event with `key` is queued or settled."""
        return (any((self.root / "pending").glob(f"*-{key}.json"))
                or (self.root / "done" / f"{key}.json").exists() or (self.root / "failed" / f"{key}.json").exists())

    def pending(self) -> list[QueuedEvent]:
        """Queued events, oldest first."""
        events = []
        for item in sorted((self.root / "pending").iterdir()):
            try:
                data = json.loads(item.read_bytes())
                events.append(QueuedEvent(data["key"], data["path"], data["body"].encode(), data["kind"],
                                          data["created_at"], item))
            except (OSError, ValueError, KeyError, TypeError):
                continue  # only a disk error makes one unreadable (writes are atomic): leave it for a person
        return events

    def finished(self, folder: str = "done") -> list[dict[str, Any]]:
        """Events the server took (`done`) or refused for good (`failed`), with its answer."""
        found = []
        for item in sorted((self.root / folder).iterdir()):
            try:
                found.append(json.loads(item.read_bytes()))
            except (OSError, ValueError):
                continue
        return found

    def _settle(self, event: QueuedEvent, folder: str, status: int, answer: dict[str, Any]) -> None:
        record = {"key": event.key, "path": event.path, "kind": event.kind, "created_at": event.created_at,
                  "status": status, "answer": answer, "body": event.body.decode("utf-8")}
        write_private(self.root / folder / f"{event.key}.json", json.dumps(record, ensure_ascii=False).encode())
        event.file.unlink(missing_ok=True)
        fsync_dir(event.file.parent)

    def flush(self, send: Send, on_done: Done | None = None) -> FlushResult:
        """Send pending events in order until the server is unreachable; each is settled once answered."""
        sent = failed = 0
        events = self.pending()
        for index, event in enumerate(events):
            try:
                status, answer = send(event.path, event.body, event.key)
            except Unreachable as exc:
                return FlushResult(sent, failed, len(events) - index, str(exc))
            if 200 <= status < 300:
                if on_done is not None:
                    on_done(event, answer)
                self._settle(event, "done", status, answer)
                sent += 1
            else:
                self._settle(event, "failed", status, answer)
                failed += 1
        return FlushResult(sent, failed, 0)
