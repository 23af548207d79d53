"""AuditLog on disk: appends, reads, proofs from stored nodes, crash recovery, permissions, concurrency."""

from __future__ import annotations

import multiprocessing
import stat
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.audit import AuditEvent, AuditLog, verify_log
from mamori.audit import log as log_module
from mamori.audit.merkle import MemoryTree, consistency_proof, inclusion_proof, root_hash, verify_inclusion
from mamori.audit.store import OFFSET, encode_frame
from mamori.errors import AuditError, AuditIntegrityError

MakeLog = Callable[..., tuple[Path, AuditLog]]
Event = Callable[[int], AuditEvent]


def test_append_returns_index_and_leaf_and_reads_back(tmp_path: Path, event: Event) -> None:
    log = AuditLog(tmp_path / "home")
    for i in range(5):
        entry = log.append(event(i))
        assert entry.index == i and entry.record == event(i).record(i)
    assert log.size == 5
    assert log.event(3) == event(3)
    assert [i for i, _ in log.events(2)] == [2, 3, 4]
    with pytest.raises(AuditError, match="no entry 5"):
        log.record(5)


def test_records_are_canonical_json(event: Event) -> None:
    record = event(1).record(7)
    assert record.startswith(b'{"action":"export.request","actor":"') and b'"seq":7,' in record
    assert "職員001".encode() in record  # UTF-8, not \\u escapes
    assert b" " not in record.replace("名簿1.xlsx".encode(), b"")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"action": ""},
        {"time": "2025-04-01 09:00:00"},
        {"time": "2025-04-01T09:00:00+09:00"},
        {"details": {"x": float("nan")}},
        {"details": {"x": object()}},
        {"details": {1: "non-string key"}},
        {"details": ["not", "a", "mapping"]},
        {"actor": 5},
    ],
)
def test_bad_events_are_refused(kwargs: dict[str, object]) -> None:
    fields: dict[str, object] = {"actor": "a", "action": "login", **kwargs}
    with pytest.raises(AuditError):
        AuditEvent(**fields)  # type: ignore[arg-type]


@settings(max_examples=25, deadline=None)
@given(st.integers(1, 300), st.data())
def test_proofs_from_stored_nodes_match_the_in_memory_tree(tmp_path_factory: pytest.TempPathFactory, n: int,
                                                          draw: st.DataObject) -> None:
    home = tmp_path_factory.mktemp("h")
    log = AuditLog(home, durable=False, checkpoint_every=0)
    entries = log.append_many([AuditEvent(actor="a", action="x", details={"i": i}) for i in range(n)])
    tree = MemoryTree([e.record for e in entries])
    size = draw.draw(st.integers(1, n))
    index = draw.draw(st.integers(0, size - 1))
    assert log.root(size) == root_hash(tree, size)
    assert log.inclusion_proof(index, size) == inclusion_proof(tree, index, size)
    assert log.consistency_proof(size, n) == consistency_proof(tree, size, n)
    verify_inclusion(index, size, entries[index].leaf_hash, log.inclusion_proof(index, size), log.root(size))


def test_files_are_owner_only(tmp_path: Path, event: Event) -> None:
    log = AuditLog(tmp_path / "home")
    log.append(event(0))
    log.checkpoint()
    directory = tmp_path / "home" / "audit"
    assert stat.S_IMODE(directory.stat().st_mode) == 0o700
    for path in directory.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o600, path.name


def _torn(home: Path, payload: bytes, keep: int, *, with_offset: bool) -> None:
    """Leave what a crash in the middle of an append leaves: part of a frame, maybe its offset."""
    audit = home / "audit"
    start = (audit / "records.log").stat().st_size
    with open(audit / "records.log", "ab") as f:
        f.write(encode_frame(payload)[:keep])
    if with_offset:
        with open(audit / "offsets.bin", "ab") as f:
            f.write(OFFSET.pack(start))


@pytest.mark.parametrize("keep", [1, 4, 9, 40, -1])
@pytest.mark.parametrize("with_offset", [False, True])
def test_torn_final_record_is_cut_and_acknowledged_entries_survive(
    make_log: MakeLog, event: Event, keep: int, with_offset: bool
) -> None:
    home, log = make_log(10)
    root = log.root()
    payload = event(10).record(10)
    _torn(home, payload, keep if keep > 0 else len(encode_frame(payload)) - 1, with_offset=with_offset)
    assert verify_log(home).ok  # a torn tail is a crash, not tampering
    reopened = AuditLog(home, durable=False)
    assert reopened.size == 10 and reopened.root() == root
    assert reopened.recovery is not None and reopened.recovery.discarded_bytes > 0
    reopened.append(event(10))
    report = verify_log(home)
    assert report.ok and report.entries_checked == 11 and not report.notes[1:]


def test_complete_but_unacknowledged_record_is_rolled_forward(make_log: MakeLog, event: Event) -> None:
    home, _ = make_log(10)
    payload = event(10).record(10)
    _torn(home, payload, len(encode_frame(payload)), with_offset=False)
    reopened = AuditLog(home, durable=False)
    assert reopened.size == 11 and reopened.recovery is not None and reopened.recovery.rolled_forward == 1
    assert verify_log(home).ok


def test_torn_node_write_is_redone(make_log: MakeLog) -> None:
    home, log = make_log(12)
    root = log.root()
    path = home / "audit" / "nodes.bin"
    path.write_bytes(path.read_bytes()[:-40])  # entry 11's leaf and parents half-written
    reopened = AuditLog(home, durable=False)
    assert reopened.size == 12 and reopened.root() == root and verify_log(home).ok


def test_acknowledged_record_cut_short_is_not_repaired(make_log: MakeLog) -> None:
    home, _ = make_log(10)
    path = home / "audit" / "records.log"
    path.write_bytes(path.read_bytes()[:-3])
    with pytest.raises(AuditIntegrityError, match="entry 9 was acknowledged"):
        AuditLog(home, durable=False)
    report = verify_log(home)
    assert not report.ok and report.entry == 9


def test_failed_write_is_reported_and_the_next_append_recovers(
    make_log: MakeLog, event: Event, monkeypatch: pytest.MonkeyPatch
) -> None:
    home, log = make_log(5)
    real_write = log_module.write_all
    calls = []

    def failing(fd: int, data: bytes) -> None:
        calls.append(fd)
        if len(calls) == 1:
            real_write(fd, data[: len(data) // 2])
            raise OSError(28, "No space left on device")
        real_write(fd, data)

    monkeypatch.setattr(log_module, "write_all", failing)
    with pytest.raises(AuditError, match="No space left"):
        log.append(event(5))
    monkeypatch.setattr(log_module, "write_all", real_write)
    assert log.append(event(6)).index == 5
    assert verify_log(home).ok and log.event(5) == event(6)


def test_receipt_needs_a_checkpoint_and_reuses_it(make_log: MakeLog) -> None:
    _, log = make_log(7)
    first = log.receipt(3)
    assert log.receipt(6).checkpoint == first.checkpoint and len(log.checkpoints()) == 1


def test_other_signer_than_the_stored_key_is_refused(make_log: MakeLog) -> None:
    from mamori.audit import generate_signer

    home, _ = make_log(1)
    with pytest.raises(AuditError, match="not the key"):
        AuditLog(home, signer=generate_signer())


def _appender(home: str, worker: int, count: int) -> None:
    log = AuditLog(Path(home), checkpoint_every=7)
    for k in range(count):
        log.append(AuditEvent(actor=f"worker{worker}", action="tick", details={"k": k}))


def _inherited(log: AuditLog, worker: int, count: int) -> None:
    for k in range(count):
        log.append(AuditEvent(actor=f"forked{worker}", action="tick", details={"k": k}))


def _check_all_present(home: Path, expected: set[tuple[str, int]]) -> None:
    report = verify_log(home)
    assert report.ok, report.problem
    seen = [(e.actor, e.details["k"]) for _, e in AuditLog(home).events()]
    assert sorted(seen) == sorted(expected) and len(seen) == len(set(seen))


def test_concurrent_appends_from_several_processes(tmp_path: Path) -> None:
    home = tmp_path / "home"
    AuditLog(home)
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_appender, args=(str(home), w, 25)) for w in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    _check_all_present(home, {(f"worker{w}", k) for w in range(4) for k in range(25)})


def test_a_log_opened_before_fork_is_safe_in_the_children(tmp_path: Path) -> None:
    home = tmp_path / "home"
    log = AuditLog(home)
    log.append(AuditEvent(actor="parent", action="tick", details={"k": 0}))
    ctx = multiprocessing.get_context("fork")
    procs = [ctx.Process(target=_inherited, args=(log, w, 20)) for w in range(3)]
    for p in procs:
        p.start()
    threads = [threading.Thread(target=_inherited, args=(log, 10 + t, 20)) for t in range(2)]
    for t in threads:
        t.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    for t in threads:
        t.join()
    expected = {("parent", 0)} | {(f"forked{w}", k) for w in [0, 1, 2, 10, 11] for k in range(20)}
    _check_all_present(home, expected)
