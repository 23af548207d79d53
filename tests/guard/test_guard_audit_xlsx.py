"""The auditors' search as XLSX: same rows as the search, inert text cells, auditors and administrators only."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from guard_helpers import World, audit_actions, submit
from python_calamine import CalamineWorkbook

from mamori.audit import AuditEvent
from mamori.guard.auditlog.services import record
from mamori.guard.auditlog.workbook import HEADER, to_xlsx


def sheet_of(data: bytes) -> list[list[Any]]:
    assert data[:2] == b"PK"
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name("audit").to_python()


def test_xlsx_matches_search(world: World, home: Path, as_user: Any) -> None:
    submit(world.alice, world)
    response = as_user(world.auditor).get("/audit/xlsx/?action=export.")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    rows = sheet_of(response.content)
    assert tuple(rows[0]) == HEADER
    assert {r[3] for r in rows[1:]} == {"export.requested", "export.scanned"}
    assert "audit.exported" in audit_actions(home)


@pytest.mark.parametrize("role", ["alice", "head_a"])
def test_xlsx_refused_to_others(world: World, as_user: Any, role: str) -> None:
    assert as_user(getattr(world, role)).get("/audit/xlsx/").status_code == 403


@pytest.mark.parametrize("value", ["=HYPERLINK(\"http://x\",\"y\")", "+1+1", "@SUM(A1)", "123", "http://x.test/",
                                   "名前\x00制御", "x" * 40_000])
def test_xlsx_cells_stay_text(value: str) -> None:
    event = AuditEvent(actor=value[:200], action="a", object_type="t", object_id=value, details={"v": value},
                       time="2025-04-01T00:00:00.000000Z")
    rows = sheet_of(to_xlsx([(7, event)]))
    assert rows[1][0] == 7 and isinstance(rows[1][5], str)
    assert rows[1][5] == value or (len(value) > 32_767 and rows[1][5].endswith("…"))


def test_xlsx_empty_search(world: World, home: Path, as_user: Any) -> None:
    record("system", "x")
    assert len(sheet_of(as_user(world.admin).get("/audit/xlsx/?action=nothing").content)) == 1
