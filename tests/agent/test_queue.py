"""The on-disk queue as a state machine: whatever order of enqueues, outages, crashes and restarts, every
acknowledged event reaches the server exactly once in effect, and nothing else does."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from mamori.agent.queue import EventQueue, QueuedEvent, Unreachable
from mamori.agent.refusal import AgentError

DEAD_PID = 4194305  # above Linux's largest pid_max: no such process


class Crash(BaseException):
    """The agent dies (SIGKILL) at this point."""


class IdempotentServer:
    """The server's side of the contract: one effect per key, a replayed answer for a retry."""

    def __init__(self) -> None:
        self.effects: dict[str, bytes] = {}
        self.deliveries: dict[str, int] = {}
        self.down = False
        self.refuse: set[str] = set()

    def send(self, path: str, body: bytes, key: str | None) -> tuple[int, dict[str, Any]]:
        assert key is not None
        if self.down:
            raise Unreachable("down")
        self.deliveries[key] = self.deliveries.get(key, 0) + 1
        if key in self.refuse:
            return 409, {"message": "already used"}
        if key in self.effects:
            assert self.effects[key] == body, "a retry must carry the same body"
        self.effects[key] = body
        return 201, {"id": key}


class QueueMachine(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="mamori-queue-"))
        self.queue = EventQueue(self.root)
        self.server = IdempotentServer()
        self.acked: dict[str, bytes] = {}
        self.crashed_after_send: dict[str, int] = {}
        self.n = 0

    def teardown(self) -> None:
        if hasattr(self, "root"):
            shutil.rmtree(self.root, ignore_errors=True)

    @rule(kind=st.sampled_from(["inserted", "blocked", "written", "executed"]), fixed_key=st.booleans())
    def enqueue(self, kind: str, fixed_key: bool) -> None:
        self.n += 1
        key = f"executed-{self.n % 3}" if fixed_key else None
        body = {"kind": kind, "n": self.n}
        got = self.queue.enqueue("/api/device-events", body, kind, key=key)
        if got not in self.acked:  # a fixed key enqueued again is the same event (a retry after a crash)
            self.acked[got] = json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()

    @rule()
    def killed_while_enqueueing(self) -> None:
        # Killed after writing the temporary file, before the rename: the call never returned.
        (self.root / "tmp" / f"{DEAD_PID}.{self.n:020d}-stray.json").write_bytes(b'{"key": "stray", "pa')

    @rule(down=st.booleans())
    def network(self, down: bool) -> None:
        self.server.down = down

    @rule(after=st.integers(min_value=0, max_value=3))
    def killed_after_the_server_answered(self, after: int) -> None:
        seen: list[str] = []

        def on_done(event: QueuedEvent, answer: dict[str, Any]) -> None:
            seen.append(event.key)
            if len(seen) > after:
                self.crashed_after_send[event.key] = self.crashed_after_send.get(event.key, 0) + 1
                raise Crash

        try:
            self.queue.flush(self.server.send, on_done)
        except Crash:
            self.queue = EventQueue(self.root)  # the next run of the agent

    @precondition(lambda self: any((self.root / "pending").iterdir()))
    @rule()
    def killed_between_done_and_unlink(self) -> None:
        # _settle wrote done/KEY.json, then the agent died before removing the pending file.
        first = sorted((self.root / "pending").iterdir())[0]
        data = json.loads(first.read_bytes())
        if not self.server.down:
            status, _ = self.server.send(data["path"], data["body"].encode(), data["key"])
            (self.root / "done" / f"{data['key']}.json").write_text(json.dumps({"key": data["key"], "status": status}))
            self.queue = EventQueue(self.root)

    @rule()
    def flush(self) -> None:
        self.queue.flush(self.server.send)

    @rule()
    def restart(self) -> None:
        self.queue = EventQueue(self.root)

    @invariant()
    def nothing_lost_nothing_invented(self) -> None:
        if not hasattr(self, "queue"):
            return
        pending = {e.key for e in self.queue.pending()}
        done = {p.stem for p in (self.root / "done").iterdir()}
        assert not pending & done, "an event is either waiting or sent, never both"
        assert pending | done == set(self.acked), "every acknowledged event is kept until sent"
        assert set(self.server.effects) <= set(self.acked), "the server never gets an event that was not queued"
        assert done <= set(self.server.effects), "an event is marked sent only after the server took it"
        for key, count in self.server.deliveries.items():
            assert count <= 1 + self.crashed_after_send.get(key, 0) + 1, "resent only after a crash"

    def check_drained(self) -> None:
        self.server.down = False
        self.queue.flush(self.server.send)
        assert self.server.effects == self.acked


class DrainingQueueMachine(QueueMachine):
    def teardown(self) -> None:
        if hasattr(self, "queue"):
            self.check_drained()
        super().teardown()


TestQueue = DrainingQueueMachine.TestCase
TestQueue.settings = settings(max_examples=60, stateful_step_count=25, deadline=None)


def test_refused_for_good_goes_to_failed(tmp_path: Path) -> None:
    queue = EventQueue(tmp_path)
    server = IdempotentServer()
    key = queue.enqueue("/api/exports/g/executed", {"files": []}, "executed", key="executed-g")
    server.refuse.add(key)
    result = queue.flush(server.send)
    assert (result.sent, result.failed, result.pending) == (0, 1, 0)
    assert queue.finished("failed")[0]["status"] == 409
    assert queue.has(key) and queue.enqueue("/x", {"other": 1}, "executed", key=key) == key, \
        "a settled key is not queued again"
    assert not queue.pending()


@pytest.mark.parametrize("key", ["", "../x", "a b", "x" * 101, "é"])
def test_keys_are_safe_file_names(tmp_path: Path, key: str) -> None:
    with pytest.raises(AgentError):
        EventQueue(tmp_path).enqueue("/x", {}, "inserted", key=key)


def test_order_is_kept_and_outage_stops_the_flush(tmp_path: Path) -> None:
    queue = EventQueue(tmp_path)
    keys = [queue.enqueue("/api/device-events", {"n": n}, "inserted") for n in range(5)]
    server = IdempotentServer()
    sent: list[str] = []

    def send(path: str, body: bytes, key: str | None) -> tuple[int, dict[str, Any]]:
        if len(sent) == 2:
            raise Unreachable("cable pulled")
        sent.append(str(key))
        return server.send(path, body, key)

    result = queue.flush(send)
    assert (result.sent, result.pending) == (2, 3) and sent == keys[:2]
    assert [e.key for e in queue.pending()] == keys[2:]


def test_a_live_writers_temporary_file_is_left_alone(tmp_path: Path) -> None:
    queue = EventQueue(tmp_path)
    live = tmp_path / "tmp" / f"{os.getppid()}.0001-k.json"
    dead = tmp_path / "tmp" / f"{DEAD_PID}.0002-k.json"
    live.write_bytes(b"{")
    dead.write_bytes(b"{")
    queue.recover()
    assert live.exists() and not dead.exists()
