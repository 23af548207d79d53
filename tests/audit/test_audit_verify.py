"""verify_log on real on-disk logs: a clean log passes; every kind of tampering is found and located."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mamori.audit import AuditEvent, AuditLog, generate_signer, sign_checkpoint, verify_log
from mamori.audit.checkpoint import Checkpoint
from mamori.audit.merkle import MemoryTree, root_hash
from mamori.audit.store import OFFSET, encode_frame
from mamori.errors import AuditError, AuditIntegrityError

N = 24
SIGNER = generate_signer()
MakeLog = Callable[..., tuple[Path, AuditLog]]
Frames = Callable[[Path], list[bytes]]
WriteFrames = Callable[[Path, list[bytes]], None]


def test_clean_log_verifies(make_log: MakeLog, event: Callable[[int], AuditEvent]) -> None:
    home, log = make_log(0, checkpoint_every=5)
    for i in range(N):
        log.append(event(i))
    report = verify_log(home, log.verifier)
    assert report.ok, report.problem
    assert (report.entries_checked, report.checkpoints_checked, report.size) == (N, 4, N)
    assert report.root == log.root()


def test_empty_log_verifies(make_log: MakeLog) -> None:
    home, log = make_log(0)
    log.checkpoint()
    report = verify_log(home)
    assert report.ok and report.entries_checked == 0 and report.checkpoints_checked == 1


def test_missing_log_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(AuditError, match="no readable audit log"):
        verify_log(tmp_path)


@pytest.mark.parametrize("where", ["length", "payload-start", "payload-middle", "payload-end", "checksum"])
@pytest.mark.parametrize("index", range(N))
def test_every_single_byte_flip_is_found_at_its_entry(
    make_log: MakeLog, frames: Frames, write_frames: WriteFrames, index: int, where: str
) -> None:
    home, _ = make_log(N, checkpoint_every=8)
    parts = frames(home)
    frame = bytearray(parts[index])
    at = {"length": 3, "payload-start": 4, "payload-middle": len(frame) // 2,
          "payload-end": len(frame) - 5, "checksum": len(frame) - 1}[where]
    frame[at] ^= 0x01
    parts[index] = bytes(frame)
    write_frames(home, parts)
    report = verify_log(home)
    assert not report.ok
    assert report.entry == index and f"entry {index}" in (report.problem or ""), report.problem


@pytest.mark.parametrize("index", range(N))
def test_deleting_any_entry_is_found(make_log: MakeLog, frames: Frames, write_frames: WriteFrames, index: int) -> None:
    home, _ = make_log(N)
    parts = frames(home)
    del parts[index]
    write_frames(home, parts)
    report = verify_log(home)
    assert not report.ok and report.entry == index
    assert "deleted" in (report.problem or "") or "missing" in (report.problem or ""), report.problem


@pytest.mark.parametrize("index", range(N + 1))
def test_inserting_an_entry_anywhere_is_found(
    make_log: MakeLog, frames: Frames, write_frames: WriteFrames, event: Callable[[int], AuditEvent], index: int
) -> None:
    home, _ = make_log(N)
    parts = frames(home)
    forged = AuditEvent(actor="attacker", action="export.approve", time="2025-04-01T09:00:00Z")
    parts.insert(index, encode_frame(forged.record(index)))
    write_frames(home, parts)
    report = verify_log(home)
    if index == N:
        # Past the last acknowledged entry it is indistinguishable from a crash: noted, and not yet in the tree.
        assert report.ok and report.size == N and any("never acknowledged" in n for n in report.notes)
    else:
        assert not report.ok and report.entry == index and "inserted" in (report.problem or ""), report.problem


@pytest.mark.parametrize("index", range(N - 1))
def test_swapping_neighbours_is_found(make_log: MakeLog, frames: Frames, write_frames: WriteFrames, index: int) -> None:
    home, _ = make_log(N)
    parts = frames(home)
    parts[index], parts[index + 1] = parts[index + 1], parts[index]
    write_frames(home, parts)
    report = verify_log(home)
    assert not report.ok and report.entry == index and "reordered" in (report.problem or ""), report.problem


def test_distant_reorder_is_found(make_log: MakeLog, frames: Frames, write_frames: WriteFrames) -> None:
    home, _ = make_log(N)
    parts = frames(home)
    parts[3], parts[17] = parts[17], parts[3]
    write_frames(home, parts)
    report = verify_log(home)
    assert report.entry == 3 and "entry 17" in (report.problem or "")


@pytest.mark.parametrize("keep", [0, 1, N // 2, N - 1])
def test_truncating_records_is_found(make_log: MakeLog, frames: Frames, write_frames: WriteFrames, keep: int) -> None:
    home, _ = make_log(N)
    write_frames(home, frames(home)[:keep])
    report = verify_log(home)
    assert not report.ok and report.entry == keep and "missing" in (report.problem or "")
    with pytest.raises(AuditIntegrityError, match="truncated"):
        AuditLog(home, durable=False)


def test_truncating_every_file_is_caught_by_the_checkpoint(make_log: MakeLog) -> None:
    home, log = make_log(N)
    log.checkpoint()
    keep = 10
    audit = home / "audit"
    starts = (audit / "offsets.bin").read_bytes()
    cut = OFFSET.unpack_from(starts, keep * OFFSET.size)[0]
    for name, size in (("records.log", cut), ("offsets.bin", keep * OFFSET.size),
                       ("nodes.bin", (2 * keep - keep.bit_count()) * 32)):
        with open(audit / name, "r+b") as f:
            f.truncate(size)
    report = verify_log(home)
    assert not report.ok and f"entries {keep}..{N - 1} were deleted" in (report.problem or "")


def test_rewriting_records_and_tree_consistently_is_caught_by_the_checkpoint(make_log: MakeLog) -> None:
    home, log = make_log(N)
    log.checkpoint()
    signed_root = log.root()
    records = [log.record(i) for i in range(N)]
    records[5] = records[5].replace("職員005".encode(), "職員999".encode())
    audit = home / "audit"
    (audit / "records.log").write_bytes(b"".join(encode_frame(r) for r in records))
    tree = MemoryTree(records)
    nodes = bytearray()
    for i in range(N):  # rebuild nodes.bin in post-order, as an attacker with the code could
        nodes += tree.node(0, i)
        level = 0
        while (i >> level) & 1:
            level += 1
            nodes += tree.node(level, i >> level)
    (audit / "nodes.bin").write_bytes(bytes(nodes))
    assert root_hash(tree, N) != signed_root
    report = verify_log(home)
    assert not report.ok and "checkpoint 0" in (report.problem or "") and "altered" in (report.problem or "")


def test_forged_checkpoint_is_found(make_log: MakeLog) -> None:
    home, log = make_log(N)
    forged = sign_checkpoint(Checkpoint(log.origin, N, log.root(), "2025-04-01T10:00:00Z"), generate_signer())
    with open(home / "audit" / "checkpoints.log", "ab") as f:
        f.write(encode_frame(forged.encode()))
    report = verify_log(home)
    assert not report.ok and "checkpoint 0" in (report.problem or "") and "not signed" in (report.problem or "")


def test_altered_checkpoint_is_found(make_log: MakeLog) -> None:
    home, log = make_log(N)
    note = log.checkpoint()
    size_line = f"\n{N}\n"
    altered = note.replace(size_line, f"\n{N - 1}\n", 1)
    (home / "audit" / "checkpoints.log").write_bytes(encode_frame(altered.encode()))
    report = verify_log(home)
    assert not report.ok and "does not verify" in (report.problem or "")


def test_replaced_key_and_resigned_checkpoints_fail_against_the_published_key(make_log: MakeLog) -> None:
    home, log = make_log(N)
    published = log.verifier.to_text()
    log.checkpoint()
    attacker = generate_signer()
    audit = home / "audit"
    (audit / "checkpoint.pub").write_text(attacker.verifier.to_text())
    resigned = sign_checkpoint(Checkpoint(log.origin, N, log.root(), "2025-04-01T10:00:00Z"), attacker)
    (audit / "checkpoints.log").write_bytes(encode_frame(resigned.encode()))
    assert verify_log(home).ok  # the attacker's own key agrees with itself ...
    report = verify_log(home, published)  # ... but not the key the auditor holds
    assert not report.ok and "not signed by key" in (report.problem or "")


def test_damaged_node_file_is_found(make_log: MakeLog) -> None:
    home, _ = make_log(N)
    path = home / "audit" / "nodes.bin"
    data = bytearray(path.read_bytes())
    data[2 * 32] ^= 0xFF  # the parent of entries 0 and 1
    path.write_bytes(bytes(data))
    report = verify_log(home)
    assert not report.ok and "nodes.bin" in (report.problem or "")


def test_damaged_checkpoint_in_the_middle_is_reported_not_truncated(
    make_log: MakeLog, event: Callable[[int], AuditEvent]
) -> None:
    home, log = make_log(3)
    log.checkpoint()
    log.append(event(3))
    log.checkpoint()
    path = home / "audit" / "checkpoints.log"
    data = bytearray(path.read_bytes())
    data[10] ^= 0x20
    path.write_bytes(bytes(data))
    # A writer re-checks only what was added since it last looked (a checkpoint per batch would make a full
    # re-read quadratic); a process that opens the log checks it all, and refuses to write past damage.
    log.close()
    reopened = AuditLog(home, durable=False, checkpoint_every=0)
    reopened.append(event(4))
    with pytest.raises(AuditIntegrityError, match="damaged"):
        reopened.checkpoint()
    assert path.read_bytes() == bytes(data)
    report = verify_log(home)
    assert not report.ok and "checkpoint 0" in (report.problem or "")


@settings(max_examples=60, deadline=None)
@given(
    st.sampled_from(["records.log", "offsets.bin", "nodes.bin", "checkpoints.log", "meta.json", "checkpoint.pub"]),
    st.integers(0, 5000),
    st.binary(min_size=0, max_size=64),
    st.booleans(),
)
def test_garbage_in_any_file_gives_a_report_or_an_audit_error(
    tmp_path_factory: pytest.TempPathFactory, name: str, at: int, garbage: bytes, cut: bool
) -> None:
    home = tmp_path_factory.mktemp("g")
    log = AuditLog(home, signer=SIGNER, durable=False, checkpoint_every=4)
    for i in range(9):
        log.append(AuditEvent(actor="a", action="x", details={"i": i}))
    path = home / "audit" / name
    data = path.read_bytes()
    at = min(at, len(data))
    path.write_bytes(data[:at] + garbage + (b"" if cut else data[at + len(garbage):]))
    with contextlib.suppress(AuditError):
        verify_log(home)
    with contextlib.suppress(AuditError):
        AuditLog(home, signer=SIGNER, durable=False).append(AuditEvent(actor="a", action="x"))
