"""End to end with a live guard server: enrol → request → scan → head approval (TOTP) → `mamori agent export`
to a folder with a fake USB identity → receipt verifies offline → the request page shows it written.
Then the same grant again (refused), an offline export reported on reconnection, and the event queue
against the real server under kill -9."""

from __future__ import annotations

import json
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
import requests
from agent_helpers import FakeUsb, everything_under, fake_usb, source_files
from guard_live import Live, server_env
from live_flow import log_in, mamori, request_and_approve

pytestmark = pytest.mark.slow


def _enrol(live: Live, root: Path, usb: FakeUsb, name: str) -> Path:
    made = mamori("guard", "endpoint", "--home", str(live.home), "--name", name, "--department", "D01", "--lang", "en")
    token = made.stdout.splitlines()[0].strip()
    shown = made.stdout.split("they must be equal): ")[1].strip()
    home = root / f"agent-{name}"
    enrolled = mamori("agent", "enrol", "--server", live.url, "--token", token, "--home", str(home),
                      "--fingerprint", shown[:19], "--sysfs-root", str(usb.sysfs), "--mountinfo", str(usb.mountinfo))
    assert shown in enrolled.stdout, "the agent shows the fingerprint the administrator sees"
    assert oct(home.stat().st_mode & 0o777) == "0o700"
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in home.iterdir() if p.is_file())
    again = mamori("agent", "enrol", "--server", live.url, "--token", token, "--home", str(root / "other"),
                   check=False)
    assert again.returncode == 2, "the enrolment token works once"
    return home


def _grant_file(live: Live, staff: requests.Session, request_id: int, folder: Path) -> Path:
    answer = staff.get(f"{live.url}/requests/{request_id}/grant.json", timeout=30)
    assert answer.status_code == 200
    path = folder / f"grant-{request_id}.json"
    path.write_bytes(answer.content)
    return path


def _executed_rows(live: Live) -> int:
    with sqlite3.connect(live.home / "guard" / "guard.sqlite3") as db:
        return int(db.execute("select count(*) from exports_grant where redeemed_at is not null").fetchone()[0])


@pytest.fixture(scope="module")
def world(live_server: Live, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    root = tmp_path_factory.mktemp("agent-e2e")
    identity = live_server.cast["departments"][0]["medium_identity"]
    usb = fake_usb(root, vendor=identity["vendor_id"], product=identity["product_id"], serial=identity["serial"])
    home = _enrol(live_server, root, usb, "pc-e2e")
    online_src, offline_src = root / "online", root / "offline"
    source_files(online_src, count=3, rows=8, seed=3)
    source_files(offline_src, count=2, rows=6, seed=9)
    ids, staff = request_and_approve(live_server, [sorted(online_src.iterdir()), sorted(offline_src.iterdir())])
    return {"root": root, "usb": usb, "home": home, "ids": ids, "staff": staff,
            "sources": [online_src, offline_src]}


def test_export_end_to_end_with_receipt_and_request_page(live_server: Live, world: dict[str, Any]) -> None:
    usb, home, staff = world["usb"], world["home"], world["staff"]
    request_id, source = world["ids"][0], world["sources"][0]
    grant_id = json.loads(_grant_file(live_server, staff, request_id, world["root"]).read_text())["grant"]["grant_id"]
    page = staff.get(f"{live_server.url}/requests/{request_id}/", timeout=30).text
    assert "まだ書き出されていません" in page

    done = mamori("agent", "export", grant_id, "--to", str(usb.mount), "--from", str(source), "--home", str(home))
    assert "書き出しました: 3 ファイル" in done.stdout
    folder = usb.mount / f"mamori-{request_id}"
    for original in source.iterdir():
        assert (folder / original.name).read_bytes() == original.read_bytes()
    receipt = folder / "mamori-receipt.json"
    checked = mamori("audit", "verify-receipt", str(receipt), "--public-key",
                     str(live_server.home / "audit" / "checkpoint.pub"))
    assert "受領証はサイズ" in checked.stdout and "検証できました" in checked.stdout
    assert json.loads(receipt.read_text())["record"], "the receipt holds the audit record of the export"

    page = staff.get(f"{live_server.url}/requests/{request_id}/", timeout=30).text
    assert "書出し済" in page and "endpoint:pc-e2e" in page and "書き出した端末" in page

    before = everything_under(usb.mount)
    again = mamori("agent", "export", grant_id, "--to", str(usb.mount), "--from", str(source), "--home",
                   str(home), "--lang", "en", check=False)
    assert again.returncode == 2 and "already been used" in again.stdout
    assert everything_under(usb.mount) == before

    auditor = log_in(live_server, "auditor", _auditor_code(live_server))
    listing = auditor.get(f"{live_server.url}/endpoints/", timeout=30).text
    assert "pc-e2e" in listing
    endpoint_id = int(re.findall(r'href="/endpoints/(\d+)/">pc-e2e<', listing)[0])
    events = auditor.get(f"{live_server.url}/endpoints/{endpoint_id}/", timeout=30).text
    assert "書出し" in events and "書出し拒否" in events and f"#{request_id}" in events


def _auditor_code(live: Live) -> str:
    import pyotp

    totp = pyotp.TOTP(live.user("auditor")["totp_secret"])
    return totp.generate_otp(int(time.time() // totp.interval))


def test_offline_export_reported_on_reconnection(live_server: Live, world: dict[str, Any]) -> None:
    usb, home, staff = world["usb"], world["home"], world["staff"]
    request_id, source = world["ids"][1], world["sources"][1]
    grant = _grant_file(live_server, staff, request_id, world["root"])
    config_path = home / "config.json"
    config = json.loads(config_path.read_text())
    config_path.write_text(json.dumps({**config, "server": "http://127.0.0.1:9"}))  # the network is down
    try:
        done = mamori("agent", "export", str(grant), "--to", str(usb.mount), "--from", str(source),
                      "--home", str(home))
        assert "次回の接続時に送ります" in done.stdout
        status = json.loads(mamori("agent", "status", "--json", "--home", str(home)).stdout)
        assert status["queued"] >= 2 and status["server_reachable"] is False
    finally:
        config_path.write_text(json.dumps(config))
    page = staff.get(f"{live_server.url}/requests/{request_id}/", timeout=30).text
    assert "まだ書き出されていません" in page
    synced = mamori("agent", "sync", "--home", str(home))
    assert "未送信 0 件" in synced.stdout
    page = staff.get(f"{live_server.url}/requests/{request_id}/", timeout=30).text
    assert "書出し済" in page and "endpoint:pc-e2e" in page
    receipt = usb.mount / f"mamori-{request_id}" / "mamori-receipt.json"
    assert receipt.is_file(), "the receipt reaches the medium once the server confirms"
    status = json.loads(mamori("agent", "status", "--json", "--home", str(home)).stdout)
    assert status["queued"] == 0 and status["server_key_matches"] is True


def test_changed_server_key_refused(live_server: Live, world: dict[str, Any]) -> None:
    home = world["home"]
    config_path = home / "config.json"
    config = json.loads(config_path.read_text())
    from mamori.audit.checkpoint import generate_signer

    config_path.write_text(json.dumps({**config, "grant_key": generate_signer("mamori-grant").verifier.to_text()}))
    try:
        status = mamori("agent", "status", "--home", str(home), check=False)
        assert status.returncode == 2, "status says so when the pinned key is not the server's"
        refused = mamori("agent", "export", "00000000-0000-0000-0000-000000000000", "--to", str(world["usb"].mount),
                         "--from", str(world["root"]), "--home", str(home), check=False)
        assert refused.returncode == 2 and "登録時と異なります" in refused.stdout
    finally:
        config_path.write_text(json.dumps(config))


PRODUCER = r"""
import sys, time
from mamori.agent.runner import make_agent
agent = make_agent(__import__("pathlib").Path(sys.argv[1]))
run, start = sys.argv[2], int(sys.argv[3])
for seq in range(start, start + 10_000):
    agent.queue.enqueue("/api/device-events", {"kind": "inserted", "serial": "KILL", "details": {"run": run, "seq": seq}},
                        "inserted")
    print(seq, flush=True)
    if seq % 3 == 0:
        agent.sync_queue()
"""


def test_events_survive_kill_9_and_arrive_once(live_server: Live, world: dict[str, Any]) -> None:
    home, rng = world["home"], random.Random(20261207)
    acknowledged: list[int] = []
    next_seq = 0
    for _ in range(8):
        child = subprocess.Popen([sys.executable, "-c", PRODUCER, str(home), "k9", str(next_seq)],
                                 stdout=subprocess.PIPE, text=True, env=server_env())
        assert child.stdout is not None
        first = child.stdout.readline()  # started (however loaded the machine): now kill at a random point
        assert first.strip(), "the producer died before its first event"
        time.sleep(rng.uniform(0.0, 0.8))
        os.kill(child.pid, signal.SIGKILL)
        out, _ = child.communicate(timeout=30)
        seen = [int(line) for line in (first + out).split()]
        acknowledged += seen
        next_seq = (seen[-1] + 1 if seen else next_seq) + 1  # the killed enqueue's number is skipped
    assert len(acknowledged) >= 8, "every producer acknowledged at least one event before its kill"
    mamori("agent", "sync", "--home", str(home))
    with sqlite3.connect(live_server.home / "guard" / "guard.sqlite3") as db:
        rows = db.execute("select details from api_deviceevent where serial = 'KILL'").fetchall()
    counts: dict[int, int] = {}
    for (details,) in rows:
        seq = json.loads(details)["seq"]
        counts[seq] = counts.get(seq, 0) + 1
    assert all(counts.get(seq) == 1 for seq in acknowledged), "every acknowledged event arrived, once"
    assert all(n == 1 for n in counts.values()), "no event was stored twice"
