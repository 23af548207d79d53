"""Shared helpers for the audit log tests: a small real log on disk and raw access to its files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from mamori.audit import AuditEvent, AuditLog
from mamori.audit.checkpoint import generate_signer
from mamori.audit.store import OFFSET

_SIGNER = generate_signer()


def _event(i: int) -> AuditEvent:
    """A varied, deterministic event."""
    return AuditEvent(
        actor=f"職員{i:03d}",
        action=("login", "export.request", "export.approve", "grant.issue")[i % 4],
        object_type="export_request",
        object_id=str(1000 + i),
        details={"i": i, "people": i * 7 % 101, "files": [f"名簿{i}.xlsx"], "special_care": i % 5 == 0},
        time=f"2025-04-01T09:{i // 60 % 60:02d}:{i % 60:02d}.000000Z",
    )


def _frames(home: Path) -> list[bytes]:
    """The raw frames of records.log, in order."""
    data = (home / "audit" / "records.log").read_bytes()
    offsets = (home / "audit" / "offsets.bin").read_bytes()
    starts = [OFFSET.unpack_from(offsets, k)[0] for k in range(0, len(offsets), OFFSET.size)]
    return [data[a:b] for a, b in zip(starts, [*starts[1:], len(data)], strict=True)]


def _write_frames(home: Path, parts: list[bytes]) -> None:
    """Replace records.log by `parts` (what an attacker with file access could do)."""
    (home / "audit" / "records.log").write_bytes(b"".join(parts))


@pytest.fixture
def make_log(tmp_path: Path) -> Callable[..., tuple[Path, AuditLog]]:
    """Build a log of `n` events in a fresh home; returns (home, open log)."""

    def build(n: int, *, checkpoint_every: int = 0, name: str = "home") -> tuple[Path, AuditLog]:
        home = tmp_path / name
        audit = home / "audit"
        audit.mkdir(mode=0o700, parents=True)
        # A pre-made key keeps hundreds of tiny logs fast (saving a fresh key fsyncs it).
        for path, text in ((audit / "checkpoint.key", _SIGNER.to_text()), (audit / "checkpoint.pub", _SIGNER.verifier.to_text())):
            path.write_text(text)
            path.chmod(0o600)
        log = AuditLog(home, checkpoint_every=checkpoint_every, durable=False)
        log.append_many([_event(i) for i in range(n)])
        return home, log

    return build


@pytest.fixture
def event() -> Callable[[int], AuditEvent]:
    """A function making the i-th test event."""
    return _event


@pytest.fixture
def frames() -> Callable[[Path], list[bytes]]:
    """A function reading the raw record frames of a home's log."""
    return _frames


@pytest.fixture
def write_frames() -> Callable[[Path, list[bytes]], None]:
    """A function replacing a home's records.log by the given frames."""
    return _write_frames
