"""The tampering table: what someone with write access to the server's audit files can do, and which check
catches it — `mamori audit verify --trusted …` with the checkpoint the auditor kept from the witness folder.

Each row also records whether the plain, self-contained verify (no outside checkpoint) notices it: the rows
where it does not are exactly what the witness is for, and docs/audit.md says so.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from mamori.audit import AuditEvent, AuditLog, verify_log
from mamori.audit.checkpoint import generate_signer, load_signer
from mamori.audit.store import OFFSET
from mamori.audit.witness import file_name, read_checkpoints
from mamori.cli import app

EVENTS = 30
BATCH = 3


def _event(i: int) -> AuditEvent:
    return AuditEvent(actor=f"職員{i:03d}", action=("export.requested", "export.approved", "grant.issued")[i % 3],
                      object_type="export_request", object_id=str(100 + i), details={"i": i, "people": i * 7 % 31},
                      time=f"2025-04-01T09:00:{i % 60:02d}.000000Z")


@pytest.fixture
def served(tmp_path: Path) -> tuple[Path, Path]:
    """A server's home whose log published every checkpoint to the auditor's witness folder."""
    home, witness = tmp_path / "home", tmp_path / "witness"
    log = AuditLog(home, durable=False, witness=witness)
    for start in range(0, EVENTS, BATCH):
        log.append_many([_event(i) for i in range(start, start + BATCH)])
    log.close()
    return home, witness


def _rebuild(home: Path, events: list[AuditEvent], *, sign: bool) -> None:
    """Rewrite the whole log from `events` (with the server's own key when `sign`, else no checkpoints)."""
    audit = home / "audit"
    signer = load_signer(audit / "checkpoint.key")
    for name in ("records.log", "offsets.bin", "nodes.bin", "checkpoints.log"):
        (audit / name).unlink()
    log = AuditLog(home, signer=signer, durable=False, witness=False, checkpoint_every=1 if sign else 0)
    log.append_many(events)
    log.close()


def _events(home: Path) -> list[AuditEvent]:
    with AuditLog(home, durable=False, witness=False, checkpoint_every=0) as log:
        return [event for _, event in log.events()]


def empty_all_files(home: Path) -> None:
    for name in ("records.log", "offsets.bin", "nodes.bin", "checkpoints.log"):
        (home / "audit" / name).write_bytes(b"")


def delete_the_log(home: Path) -> None:
    shutil.rmtree(home / "audit")


def edit_last_entry_resigned(home: Path) -> None:
    events = _events(home)
    events[-1] = replace(events[-1], details={"i": EVENTS - 1, "people": 0})
    _rebuild(home, events, sign=True)


def edit_last_record_bytes(home: Path) -> None:
    path = home / "audit" / "records.log"
    data = bytearray(path.read_bytes())
    data[-20] ^= 0x01
    path.write_bytes(bytes(data))


def delete_checkpoints(home: Path) -> None:
    (home / "audit" / "checkpoints.log").unlink()


def empty_checkpoints(home: Path) -> None:
    (home / "audit" / "checkpoints.log").write_bytes(b"")


def rewrite_history_without_checkpoints(home: Path) -> None:
    events = _events(home)
    events[4] = replace(events[4], actor="someone else")
    _rebuild(home, events, sign=False)


def rewrite_history_resigned(home: Path) -> None:
    events = _events(home)
    del events[7]
    events.append(_event(99))
    _rebuild(home, events, sign=True)


def append_forgeries(home: Path) -> None:
    with AuditLog(home, durable=False, witness=False, checkpoint_every=0) as log:
        log.append_many([_event(200), _event(201)])


def truncate_resigned(home: Path) -> None:
    _rebuild(home, _events(home)[:25], sign=True)


def truncate_files(home: Path) -> None:
    audit = home / "audit"
    offsets = (audit / "offsets.bin").read_bytes()
    (cut,) = OFFSET.unpack_from(offsets, 25 * OFFSET.size)
    with (audit / "records.log").open("r+b") as f:
        f.truncate(cut)
    (audit / "offsets.bin").write_bytes(offsets[: 25 * OFFSET.size])
    with (audit / "nodes.bin").open("r+b") as f:
        f.truncate((2 * 25 - 25 .bit_count()) * 32)
    empty_checkpoints(home)


def replace_key_and_resign(home: Path) -> None:
    audit = home / "audit"
    events = _events(home)
    for name in ("checkpoint.key", "checkpoint.pub"):
        (audit / name).unlink()
    new = generate_signer()
    from mamori.audit.checkpoint import save_signer

    save_signer(new, audit / "checkpoint.key")
    for name in ("records.log", "offsets.bin", "nodes.bin", "checkpoints.log"):
        (audit / name).unlink()
    with AuditLog(home, signer=new, durable=False, witness=False) as log:
        log.append_many([replace(e, actor="x") if k == 2 else e for k, e in enumerate(events)])


# (tampering, does the plain verify without an outside checkpoint catch it?)
TABLE: list[tuple[Callable[[Path], None], bool]] = [
    (empty_all_files, False),
    (delete_the_log, True),
    (edit_last_entry_resigned, False),
    (edit_last_record_bytes, True),
    (delete_checkpoints, True),
    (empty_checkpoints, False),
    (rewrite_history_without_checkpoints, False),
    (rewrite_history_resigned, False),
    (append_forgeries, False),
    (truncate_resigned, False),
    (truncate_files, False),
    (replace_key_and_resign, False),
]


def _plain_catches(home: Path) -> bool:
    try:
        return not verify_log(home).ok
    except Exception:  # noqa: BLE001 - an error is also "caught" (the CLI exits 2)
        return True


@pytest.mark.parametrize(("tamper", "plain_catches"), TABLE, ids=[t.__name__ for t, _ in TABLE])
def test_every_tampering_fails_against_the_witnessed_checkpoint(
        served: tuple[Path, Path], tamper: Callable[[Path], None], plain_catches: bool) -> None:
    home, witness = served
    trusted = [note for _, note in read_checkpoints([witness])]
    assert verify_log(home, trusted=trusted).ok  # the untouched log passes the strict check
    tamper(home)
    report = verify_log(home, trusted=trusted)
    assert not report.ok and report.problem
    assert _plain_catches(home) is plain_catches


def test_witness_holds_the_newest_checkpoint_after_every_batch(served: tuple[Path, Path]) -> None:
    _, witness = served
    (note,) = [n for _, n in read_checkpoints([witness])]
    assert note.split("\n")[1] == str(EVENTS)
    assert (witness / file_name(note.split("\n")[0])).exists()


def test_an_older_kept_checkpoint_is_still_consistent_with_the_grown_log(served: tuple[Path, Path]) -> None:
    home, witness = served
    old = read_checkpoints([witness])[0][1]
    with AuditLog(home, durable=False, witness=witness) as log:
        log.append_many([_event(i) for i in range(EVENTS, EVENTS + 7)])
    report = verify_log(home, trusted=[old, read_checkpoints([witness])[0][1]])
    assert report.ok and any("trusted checkpoint" in note for note in report.notes)


def test_a_witness_that_cannot_be_written_does_not_lose_the_entry(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    with AuditLog(tmp_path / "home", durable=False, witness=blocker) as log:
        entry = log.append(_event(0))
        assert entry.index == 0 and log.size == 1 and log.witness_problem


def test_witness_configured_in_mamori_toml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("MAMORI_AUDIT_WITNESS_DIR", raising=False)
    home = tmp_path / "home"
    home.mkdir()
    (home / "mamori.toml").write_text('[audit]\nwitness_dir = "../kept"\n', encoding="utf-8")
    with AuditLog(home, durable=False) as log:
        log.append(_event(0))
    assert len(read_checkpoints([home / "../kept"])) == 1


@pytest.mark.parametrize("tamper", [empty_all_files, truncate_resigned, append_forgeries], ids=lambda t: t.__name__)
def test_cli_verify_with_the_witness_exits_1(served: tuple[Path, Path], tamper: Callable[[Path], None]) -> None:
    home, witness = served
    runner = CliRunner()
    before = runner.invoke(app, ["audit", "verify", "--home", str(home), "--witness", str(witness), "--lang", "en"])
    assert before.exit_code == 0, before.output
    tamper(home)
    plain = runner.invoke(app, ["audit", "verify", "--home", str(home), "--lang", "en"])
    after = runner.invoke(app, ["audit", "verify", "--home", str(home), "--trusted",
                                str(next(witness.glob("*.checkpoint"))), "--lang", "en"])
    assert after.exit_code == 1 and "INCONSISTENT" in after.output
    if plain.exit_code == 0:
        assert "cannot be detected" in plain.output  # the plain check says what it cannot see
