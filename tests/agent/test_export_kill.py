"""`mamori agent export` killed with SIGKILL at random points: the medium shows the whole export or none
of it, the next run finishes (or recovers) the same grant, and exactly one executed report is queued."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from agent_helpers import fake_usb, grant_envelope, grant_file, offline_home, queued_kinds

from mamori.agent.export import MANIFEST, TMP_PREFIX
from mamori.audit.checkpoint import generate_signer

KEY = generate_signer("mamori-grant")


def _visible(mount: Path) -> list[str]:
    return sorted(p.name for p in mount.iterdir() if not p.name.startswith(TMP_PREFIX))


def _kill_after_files(child: subprocess.Popen[bytes], mount: Path, written: int) -> bool:
    """SIGKILL `child` when its temporary folder on `mount` holds `written` files; False if it finished first."""
    while child.poll() is None:
        for folder in (p for p in mount.iterdir() if p.name.startswith(TMP_PREFIX) and p.is_dir()):
            try:
                count = sum(1 for _ in folder.iterdir())
            except FileNotFoundError:  # renamed into place between the two looks
                continue
            if count >= written:
                os.kill(child.pid, signal.SIGKILL)
                return True
        time.sleep(0.001)
    return False


@pytest.mark.slow
def test_kill_9_mid_export_leaves_all_or_nothing(tmp_path: Path) -> None:
    rng = random.Random(42)
    usb = fake_usb(tmp_path)
    source = tmp_path / "src"
    source.mkdir()
    files = []
    for n in range(16):
        data = rng.randbytes(1 << 20)
        (source / f"part{n:02d}.bin").write_bytes(data)
        files.append({"name": f"part{n:02d}.bin", "sha256": hashlib.sha256(data).hexdigest(), "size": len(data)})
    home = offline_home(tmp_path / "agent", usb, KEY)
    grant = grant_file(tmp_path, grant_envelope(KEY, files, usb.identity, request_id=42))
    command = [sys.executable, "-m", "mamori", "agent", "export", str(grant), "--to", str(usb.mount),
               "--from", str(source), "--home", str(home.path)]
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    kills = 0
    for _ in range(12):
        child = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
        # Kill once the export has written a random number of its files (0: as soon as its temporary folder
        # appears), so the kill lands mid-way however fast or busy the machine is.
        if _kill_after_files(child, usb.mount, rng.randrange(len(files))):
            kills += 1
        child.communicate(timeout=60)
        visible = _visible(usb.mount)
        assert visible in ([], ["mamori-42"]), visible
        if visible:
            folder = usb.mount / "mamori-42"
            assert sorted(p.name for p in folder.iterdir()) == sorted([f["name"] for f in files] + [MANIFEST])
            for entry in files:
                assert hashlib.sha256((folder / entry["name"]).read_bytes()).hexdigest() == entry["sha256"]
            break
    assert kills, "at least one run was killed mid-way"
    final = subprocess.run(command, capture_output=True, text=True, env=env, timeout=120, check=False)
    # Either this run wrote (or recovered) the export, or an earlier one finished it: then the grant is spent.
    assert final.returncode == 0 or "使用済み" in final.stdout, final.stdout + final.stderr
    assert _visible(usb.mount) == ["mamori-42"]
    assert not any(p.name.startswith(TMP_PREFIX) for p in usb.mount.iterdir()), "leftovers are cleaned"
    executed = [body for kind, body in queued_kinds(home) if kind == "executed"]
    assert len(executed) == 1, "one executed report, whatever the kills"
    assert sorted(f["sha256"] for f in executed[0]["files"]) == sorted(f["sha256"] for f in files)
    ledger = json.loads((home.path / "ledger").glob("*.json").__next__().read_text())
    assert ledger["state"] == "written"
