"""``mamori audit verify`` on a real log: consistent, then altered."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from mamori.audit import AuditEvent, AuditLog


def mamori(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "mamori", *map(str, args)], capture_output=True, text=True,
                          timeout=120)


def test_verify_detects_an_altered_entry(tmp_path: Path) -> None:
    log = AuditLog(tmp_path)
    for i in range(20):
        log.append(AuditEvent(actor="yamada", action="export.request", object_id=str(i)))
    receipt = log.receipt(5)
    (tmp_path / "receipt.json").write_text(receipt.to_json(), encoding="utf-8")
    log.close()
    ok = mamori("audit", "verify", "--home", tmp_path, "--lang", "en")
    assert ok.returncode == 0, ok.stderr
    assert "20 entries" in ok.stdout
    pub = next((tmp_path / "audit").glob("*.pub"))
    assert mamori("audit", "verify-receipt", tmp_path / "receipt.json", "--public-key", pub).returncode == 0
    records = tmp_path / "audit" / "records.log"
    data = bytearray(records.read_bytes())
    at = data.find(b'"id":"7"')
    data[at + 6] = ord("8")
    records.write_bytes(bytes(data))
    bad = mamori("audit", "verify", "--home", tmp_path, "--lang", "en")
    assert bad.returncode == 1
    assert "INCONSISTENT" in bad.stderr and "Traceback" not in bad.stderr
