"""Shared helpers of the agent tests: a fake sysfs tree with a USB medium, signed grants, an agent home."""

from __future__ import annotations

import hashlib
import json
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from mamori.agent.home import AgentConfig, AgentHome
from mamori.audit.checkpoint import Signer, generate_signer
from mamori.guard.exports.grants import sign_grant, utc_iso
from mamori.synth.documents import make_document
from mamori.synth.render.base import render
from mamori.synth.residents import generate_residents


@dataclass(frozen=True)
class FakeUsb:
    """A folder standing for a mounted USB medium, and the sysfs tree and mount table that say so."""

    mount: Path
    sysfs: Path
    mountinfo: Path
    identity: dict[str, str]


def fake_usb(root: Path, vendor: str = "0781", product: str = "5581", serial: str = "S0001",
             device: str = "8:17", name: str = "medium") -> FakeUsb:
    """Lay out sysfs as the kernel does for a USB stick's first partition mounted at root/name."""
    sysfs, mount = root / "sys", root / name
    mount.mkdir(parents=True, exist_ok=True)
    usb = sysfs / "devices/pci0000:00/0000:00:14.0/usb1/1-2"
    partition = usb / "1-2:1.0/host6/target6:0:0/6:0:0:0/block/sdb/sdb1"
    partition.mkdir(parents=True, exist_ok=True)
    for key, value in (("idVendor", vendor), ("idProduct", product), ("serial", serial), ("product", "Cruzer")):
        (usb / key).write_text(value + "\n")
    (partition / "dev").write_text(device + "\n")
    (sysfs / "dev/block").mkdir(parents=True, exist_ok=True)
    link = sysfs / "dev/block" / device
    if not link.is_symlink():
        link.symlink_to("../../devices/pci0000:00/0000:00:14.0/usb1/1-2/1-2:1.0/host6/target6:0:0/6:0:0:0/block/sdb/sdb1")
    # A root file system, a tmpfs, then the medium (spaces in the path are escaped as the kernel does).
    escaped = str(mount).replace("\\", "\\134").replace(" ", "\\040")
    mountinfo = root / "mountinfo"
    mountinfo.write_text("22 1 253:0 / / rw,relatime shared:1 - ext4 /dev/vda rw\n"
                         "25 22 0:23 / /tmp rw,nosuid shared:5 - tmpfs tmpfs rw\n"
                         f"40 25 {device} / {escaped} rw,nosuid,nodev shared:9 - vfat /dev/sdb1 rw,fmask=0022\n")
    return FakeUsb(mount, sysfs, mountinfo, {"vendor_id": vendor, "product_id": product, "serial": serial})


def source_files(folder: Path, count: int = 3, rows: int = 8, seed: int = 1) -> list[dict[str, Any]]:
    """Synthetic municipal lists written to `folder`; their grant entries (name, sha256, size)."""
    folder.mkdir(parents=True, exist_ok=True)
    people = generate_residents(rows + 5, seed)
    entries = []
    for n, kind in zip(range(count), ["resident_list", "voter_list", "household_list", "mailing_labels"] * count,
                       strict=False):
        data = render(make_document(kind, people, rows=rows, seed=seed + n), "csv", "utf-8")
        name = f"名簿_{n:02d}.csv"
        (folder / name).write_bytes(data)
        entries.append({"name": name, "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
    return entries


def grant_envelope(signer: Signer, files: list[dict[str, Any]], medium: dict[str, str], *,
                   expires_in: timedelta = timedelta(days=1), request_id: int = 7,
                   grant_id: str | None = None) -> str:
    """A signed grant as the server issues it."""
    now = datetime.now(UTC)
    return sign_grant({"grant_id": grant_id or str(uuid.uuid4()), "request_id": request_id, "requester": "alice",
                       "medium": medium, "files": files, "purpose": "研修", "recipient": "研修センター",
                       "issued_at": utc_iso(now), "expires_at": utc_iso(now + expires_in),
                       "nonce": secrets.token_hex(16)}, signer)


def offline_home(path: Path, usb: FakeUsb, grant_key: Signer, server: str = "http://127.0.0.1:9") -> AgentHome:
    """An enrolled agent home pinned to `grant_key`; the server address answers nothing (port 9, discard)."""
    home = AgentHome(path)
    home.create()
    home.signer()
    home.save(AgentConfig(server=server, endpoint="pc-test", token="mep_test", grant_key=grant_key.verifier.to_text(),
                          audit_key=generate_signer("mamori-audit").verifier.to_text(), enrolled_at="2026-01-01T00:00:00Z",
                          sysfs_root=str(usb.sysfs), mountinfo=str(usb.mountinfo)))
    return home


def everything_under(folder: Path) -> list[str]:
    """Every entry under `folder`, hidden ones included (what 'nothing written' is checked against)."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


def grant_file(folder: Path, envelope: str) -> Path:
    path = folder / "grant.json"
    path.write_text(envelope, encoding="utf-8")
    return path


def queued_kinds(home: AgentHome) -> list[tuple[str, dict[str, Any]]]:
    """(kind, body) of every queued event."""
    return [(json.loads(p.read_bytes())["kind"], json.loads(json.loads(p.read_bytes())["body"]))
            for p in sorted((home.path / "queue" / "pending").iterdir())]


def reported_or_queued(home: AgentHome) -> list[tuple[str, dict[str, Any]]]:
    """(kind, body) of every event, queued or already taken by the server."""
    done = [json.loads(p.read_bytes()) for p in sorted((home.path / "queue" / "done").iterdir())]
    return queued_kinds(home) + [(d["kind"], json.loads(d["body"])) for d in done]
