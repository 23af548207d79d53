"""`mamori audit verify --database`: every request, approval, grant and execution in the guard database has its
audit entry; an emptied or rewritten log beside an intact database fails."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from guard_helpers import World, approve, submit
from guard_live import server_env

from mamori.audit import AuditLog
from mamori.guard.auditlog.crosscheck import cross_check
from mamori.guard.auditlog.services import _logs


def _approved(world: World) -> None:
    request = submit(world.alice, world)
    approve(world.head_a, request)


def _empty(home: Path) -> None:
    _logs.clear()
    for name in ("records.log", "offsets.bin", "nodes.bin", "checkpoints.log"):
        (home / "audit" / name).write_bytes(b"")


def test_a_consistent_database_and_log_pass(world: World, home: Path) -> None:
    _approved(world)
    result = cross_check(home)
    assert result.ok and result.rows >= 3 and result.entries >= 3, result


def test_an_emptied_log_beside_the_database_fails(world: World, home: Path) -> None:
    _approved(world)
    _empty(home)
    result = cross_check(home)
    assert not result.ok and "empty" in result.missing[0]
    assert any("grant" in line for line in result.missing)


def test_a_log_rewritten_without_the_grant_fails(world: World, home: Path) -> None:
    _approved(world)
    with AuditLog(home, durable=False, witness=False) as log:
        kept = [event for _, event in log.events() if event.action != "grant.issued"]
    _empty(home)
    with AuditLog(home, durable=False, witness=False) as log:
        log.append_many(kept)
    result = cross_check(home)
    assert not result.ok and result.missing_count == 1 and "has no audit entry (grant.issued)" in result.missing[0]


def test_an_approval_logged_for_someone_else_fails(world: World, home: Path) -> None:
    _approved(world)
    with AuditLog(home, durable=False, witness=False) as log:
        events = [event for _, event in log.events()]
    _empty(home)
    with AuditLog(home, durable=False, witness=False) as log:
        log.append_many([replace(e, actor="head_b") if e.action == "export.approved" else e for e in events])
    result = cross_check(home)
    assert not result.ok and "approve by head_a" in result.missing[0]


def test_cli_database_cross_check_on_a_real_home(tmp_path: Path) -> None:
    env = server_env()
    home = tmp_path / "home"

    def mamori(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "mamori", *args], capture_output=True, text=True, env=env,
                              timeout=300, check=False)

    assert mamori("guard", "init", "--home", str(home), "--admin", "root").returncode == 0
    ok = mamori("audit", "verify", "--home", str(home), "--database", "--lang", "en")
    assert ok.returncode == 0, ok.stderr
    assert "the database matches the audit log" in ok.stdout
    for name in ("records.log", "offsets.bin", "nodes.bin", "checkpoints.log"):
        (home / "audit" / name).write_bytes(b"")
    plain = mamori("audit", "verify", "--home", str(home), "--lang", "en")
    assert plain.returncode == 0  # nothing inside the log itself shows that it was emptied ...
    crossed = mamori("audit", "verify", "--home", str(home), "--database", "--lang", "en")
    assert crossed.returncode == 1 and "the audit log is empty but the database holds" in crossed.stderr


def test_healthz_reports_a_witness_it_cannot_write(db: None, home: Path, monkeypatch: Any) -> None:
    from django.test import Client

    from mamori.guard.auditlog.services import record

    blocker = home / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("MAMORI_AUDIT_WITNESS_DIR", str(blocker))
    _logs.clear()
    record("system", "test.event")
    status = Client().get("/healthz").json()
    assert status["status"] == "ok" and "cannot publish the checkpoint" in status["audit_witness"]
    _logs.clear()
