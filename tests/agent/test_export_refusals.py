"""Every refusal of `mamori agent export` writes nothing on the medium and says why, in Japanese and English.

The medium is a folder with a fake sysfs identity; the server is either absent (offline PC) or a stand-in
that serves a key and a grant list. Faults mid-copy come from a Writer that pulls the medium or fills it.
"""

from __future__ import annotations

import errno
import json
import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from agent_helpers import (
    FakeUsb,
    everything_under,
    fake_usb,
    grant_envelope,
    grant_file,
    offline_home,
    queued_kinds,
    reported_or_queued,
    source_files,
)

from mamori.agent.export import TMP_PREFIX, Writer
from mamori.agent.home import AgentHome
from mamori.agent.refusal import ExportRefused
from mamori.agent.runner import Agent, make_agent
from mamori.audit.checkpoint import Signer, generate_signer
from mamori.i18n import t

KEY = generate_signer("mamori-grant")


@dataclass
class Setup:
    """One scenario's world: a medium, a source folder, a grant file and an agent home."""

    root: Path
    usb: FakeUsb
    source: Path
    files: list[dict[str, Any]]
    home: AgentHome
    grant: Path
    writer: Writer

    def agent(self) -> Agent:
        return make_agent(self.home.path, writer=self.writer)

    def regrant(self, signer: Signer = KEY, **kwargs: Any) -> None:
        self.grant.write_text(grant_envelope(signer, self.files, self.usb.identity, **kwargs), encoding="utf-8")


class FaultyWriter(Writer):
    """Writes `after` bytes of the first file it copies, then fails with `code` (and keeps failing)."""

    def __init__(self, code: int, after: int = 100, remove: bool = False) -> None:
        self.code, self.after, self.remove = code, after, remove
        self.tripped = False

    def copy(self, src: int, dst: int, size: int) -> None:
        if self.tripped:
            raise OSError(self.code, os.strerror(self.code))
        os.write(dst, os.pread(src, min(size, self.after), 0))
        self.tripped = True
        raise OSError(self.code, os.strerror(self.code))


class CorruptingWriter(Writer):
    """Copies, then flips one byte: the read-back must catch it."""

    def copy(self, src: int, dst: int, size: int) -> None:
        super().copy(src, dst, size)
        if size:
            first = os.pread(src, 1, 0)
            os.pwrite(dst, bytes([first[0] ^ 0xFF]), 0)


class Interrupting(Writer):
    def copy(self, src: int, dst: int, size: int) -> None:
        os.write(dst, b"partial")
        raise KeyboardInterrupt


class FakeServer:
    """Stands in for ServerClient: a key it serves and the grant ids it lists as unused."""

    def __init__(self, key: str, grants: list[dict[str, Any]]) -> None:
        self.key, self.listed = key, grants

    def grant_key(self) -> str:
        return self.key

    def grants(self) -> list[dict[str, Any]]:
        return self.listed

    def send(self, path: str, body: bytes, key: str | None) -> tuple[int, dict[str, Any]]:
        return 201, {}


def _setup(tmp_path: Path) -> Setup:
    usb = fake_usb(tmp_path)
    files = source_files(tmp_path / "src")
    home = offline_home(tmp_path / "agent", usb, KEY)
    grant = grant_file(tmp_path, grant_envelope(KEY, files, usb.identity))
    return Setup(tmp_path, usb, tmp_path / "src", files, home, grant, Writer())


def _online(setup: Setup, agent: Agent, key: str | None = None, listed: bool = True) -> None:
    envelope = json.loads(setup.grant.read_text())
    agent.client = FakeServer(key or KEY.verifier.to_text(), [envelope] if listed else [])  # type: ignore[assignment]


def _tamper(s: Setup) -> None:
    doc = json.loads(s.grant.read_text())
    doc["grant"]["files"][0]["sha256"] = "0" * 64
    s.grant.write_text(json.dumps(doc))


def _used_here(s: Setup) -> None:
    other = fake_usb(s.root / "first", serial=s.usb.identity["serial"])
    first = make_agent(s.home.path)
    first.probe = type(first.probe)(other.sysfs, other.mountinfo)
    first.export(str(s.grant), s.source, other.mount)


def _other_medium(s: Setup) -> None:
    s.usb = fake_usb(s.root / "o", serial="SOMEONE-ELSES")
    config = json.loads((s.home.path / "config.json").read_text())
    config.update(sysfs_root=str(s.usb.sysfs), mountinfo=str(s.usb.mountinfo))
    (s.home.path / "config.json").write_text(json.dumps(config))


def _change(s: Setup) -> None:
    path = s.source / s.files[1]["name"]
    data = bytearray(path.read_bytes())
    data[-2] ^= 0x01  # same size, one bit
    path.write_bytes(bytes(data))


CASES: dict[str, tuple[str, Callable[[Setup], None], Callable[[Setup, Agent], None] | None]] = {
    "forged-altered": ("forged", _tamper, None),
    "forged-other-key": ("forged", lambda s: s.regrant(generate_signer("mamori-grant")), None),
    "forged-garbage": ("forged", lambda s: s.grant.write_text("{not json"), None),
    "expired": ("expired", lambda s: s.regrant(expires_in=timedelta(seconds=-5)), None),
    "used-on-this-pc": ("used", _used_here, None),
    "used-elsewhere": ("used", lambda s: None, lambda s, a: _online(s, a, listed=False)),
    "server-key-changed": ("server_key_changed", lambda s: None,
                           lambda s, a: _online(s, a, key=generate_signer("mamori-grant").verifier.to_text())),
    "other-medium": ("other_medium", _other_medium, None),
    "not-a-usb-medium": ("medium_unknown", lambda s: s.usb.mountinfo.write_text(""), None),
    "file-changed": ("file_changed", _change, None),
    "file-grown": ("file_changed", lambda s: (s.source / s.files[0]["name"]).open("ab").write(b"x"), None),
    "file-added": ("file_added", lambda s: (s.source / "おまけ.xlsx").write_bytes(b"PK"), None),
    "file-missing": ("file_missing", lambda s: (s.source / s.files[2]["name"]).unlink(), None),
    "symlink-instead-of-file": ("file_added", lambda s: _symlink(s), None),
    "medium-removed-mid-copy": ("medium_removed", lambda s: setattr(s, "writer", FaultyWriter(errno.ENODEV)), None),
    "medium-io-error": ("medium_removed", lambda s: setattr(s, "writer", FaultyWriter(errno.EIO)), None),
    "disk-full": ("disk_full", lambda s: setattr(s, "writer", FaultyWriter(errno.ENOSPC, after=4096)), None),
    "read-back-differs": ("verify_failed", lambda s: setattr(s, "writer", CorruptingWriter()), None),
    "destination-exists": ("destination_exists", lambda s: (s.usb.mount / "mamori-7").mkdir(), None),
}


def _symlink(s: Setup) -> None:
    target = s.source / s.files[0]["name"]
    real = s.root / "elsewhere.csv"
    real.write_bytes(target.read_bytes())
    target.unlink()
    target.symlink_to(real)


@pytest.mark.parametrize("case", list(CASES))
def test_refusal_writes_nothing_and_says_why(tmp_path: Path, case: str) -> None:
    code, arrange, online = CASES[case]
    setup = _setup(tmp_path)
    arrange(setup)
    before = everything_under(setup.usb.mount)
    agent = setup.agent()
    if online is not None:
        online(setup, agent)
    with pytest.raises(ExportRefused) as refused:
        agent.export(str(setup.grant), setup.source, setup.usb.mount)
    assert refused.value.code == code
    assert everything_under(setup.usb.mount) == before, "the medium must be exactly as it was"
    ja, en = refused.value.message("ja"), refused.value.message("en")
    assert t(f"agent.refused.{code}", "ja") in ja and t(f"agent.refused.{code}", "en") in en
    events = [body for kind, body in reported_or_queued(setup.home) if kind == "write_refused"]
    assert events and events[-1]["details"]["reason"] == code, "the refusal is queued for the server"
    ledger = setup.home.path / "ledger"
    assert not any(json.loads(p.read_text())["state"] == "writing" for p in ledger.iterdir()), \
        "a refused export does not hold the grant"


def test_interrupt_mid_copy_leaves_nothing(tmp_path: Path) -> None:
    setup = _setup(tmp_path)
    setup.writer = Interrupting()
    with pytest.raises(KeyboardInterrupt):
        setup.agent().export(str(setup.grant), setup.source, setup.usb.mount)
    assert everything_under(setup.usb.mount) == []
    setup.writer = Writer()
    result, _ = setup.agent().export(str(setup.grant), setup.source, setup.usb.mount)
    assert len(result.files) == 3, "the grant is still usable: nothing was written the first time"


def test_leftovers_of_a_killed_export_are_removed_first(tmp_path: Path) -> None:
    setup = _setup(tmp_path)
    stale = setup.usb.mount / f"{TMP_PREFIX}dead"
    stale.mkdir()
    (stale / "half.csv").write_bytes(b"half")
    result, _ = setup.agent().export(str(setup.grant), setup.source, setup.usb.mount)
    assert everything_under(setup.usb.mount) == sorted(
        ["mamori-7", *(f"mamori-7/{f['name']}" for f in setup.files), "mamori-7/mamori-manifest.json"])
    assert result.folder == setup.usb.mount / "mamori-7"


def test_offline_export_is_written_once_and_queued(tmp_path: Path) -> None:
    setup = _setup(tmp_path)
    result, flushed = setup.agent().export(str(setup.grant), setup.source, setup.usb.mount)
    assert flushed.unreachable
    manifest = json.loads((result.folder / "mamori-manifest.json").read_text())
    assert manifest["grant"] == json.loads(setup.grant.read_text()), "the signed grant travels with the files"
    assert [f["sha256"] for f in manifest["files"]] == [f["sha256"] for f in sorted(setup.files,
                                                                                  key=lambda f: f["name"])]
    for entry in setup.files:
        assert (result.folder / entry["name"]).read_bytes() == (setup.source / entry["name"]).read_bytes()
    kinds = [kind for kind, _ in queued_kinds(setup.home)]
    assert kinds == ["executed", "written"]
    executed = queued_kinds(setup.home)[0][1]
    assert executed["medium"] == setup.usb.identity and len(executed["files"]) == 3


@pytest.fixture
def tiny_tmpfs(tmp_path: Path) -> Any:
    """A real 64 KiB tmpfs standing for a nearly full medium (needs root; skipped elsewhere)."""
    import subprocess

    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k,mode=0755", "tmpfs", str(mount)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode(errors='replace').strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", str(mount)], check=False)


def test_real_full_medium_leaves_nothing(tmp_path: Path, tiny_tmpfs: Path) -> None:
    usb = fake_usb(tmp_path, name="tiny")  # the identity tables now name the tmpfs folder as a USB stick
    files = source_files(tmp_path / "src", count=4, rows=300)
    assert sum(f["size"] for f in files) > 64 * 1024
    home = offline_home(tmp_path / "agent", usb, KEY)
    grant = grant_file(tmp_path, grant_envelope(KEY, files, usb.identity))
    with pytest.raises(ExportRefused) as refused:
        make_agent(home.path).export(str(grant), tmp_path / "src", tiny_tmpfs)
    assert refused.value.code == "disk_full"
    assert everything_under(tiny_tmpfs) == []
    assert os.statvfs(tiny_tmpfs).f_bfree == os.statvfs(tiny_tmpfs).f_blocks, "every block is free again"


def test_the_grant_file_may_sit_beside_the_files(tmp_path: Path) -> None:
    setup = _setup(tmp_path)
    beside = setup.source / "grant-7.json"
    beside.write_text(setup.grant.read_text(), encoding="utf-8")
    result, _ = setup.agent().export(str(beside), setup.source, setup.usb.mount)
    assert sorted(f.name for f in result.files) == sorted(f["name"] for f in setup.files)
    assert not (result.folder / "grant-7.json").exists()
