"""Bulk import of staff and departments: the plan (dry run) first, then apply; CSV in CP932 and XLSX alike."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from guard_helpers import World, audit_actions

from mamori.errors import WorkflowError
from mamori.guard.accounts import bulk
from mamori.guard.accounts.models import Department, Role, User
from mamori.synth.residents import generate_residents

HEADER = ["ユーザー名", "氏名", "所属コード", "所属名", "役割"]


def staff_rows(n: int = 6) -> list[list[str]]:
    """A personnel export: a new 税務課 with its head and staff, plus alice moved there (synthetic names)."""
    people = generate_residents(n, seed=11)
    rows = [[f"t{p.id:04d}", f"{p.family_name}　{p.given_name}", "C300", "税務課", "職員"] for p in people]
    rows[0][4] = "所属長"
    rows.append(["alice", "有栖 花子", "C300", "税務課", "職員"])
    return rows


def csv_bytes(rows: list[list[str]], header: list[str] = HEADER) -> bytes:
    return ("\r\n".join(",".join(r) for r in [header, *rows]) + "\r\n").encode("cp932")


def xlsx_bytes(rows: list[list[str]]) -> bytes:
    out = io.BytesIO()
    book = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = book.add_worksheet("職員一覧")
    for i, row in enumerate([HEADER, *rows]):
        sheet.write_row(i, 0, row)
    book.close()
    return out.getvalue()


@pytest.mark.parametrize("form", ["csv", "xlsx"])
def test_plan_then_apply(world: World, home: Path, form: str) -> None:
    rows = staff_rows()
    data = csv_bytes(rows) if form == "csv" else xlsx_bytes(rows)
    plan = bulk.plan(bulk.read_rows(data, f"staff.{form}"), world.admin)
    assert not plan.errors
    assert (plan.count("department"), plan.count("create"), plan.count("update"), plan.count("head")) == (1, 6, 1, 1)
    assert not Department.objects.filter(code="C300").exists()  # a dry run changes nothing
    created = bulk.apply(world.admin, plan)
    assert len(created) == 6 and all(len(password) >= 15 for _, password in created)
    tax = Department.objects.get(code="C300")
    assert tax.head is not None and tax.head.username == rows[0][0] and tax.head.role == Role.SECTION_HEAD
    alice = User.objects.get(username="alice")
    assert alice.department == tax and alice.display_name == "有栖 花子"
    assert "staff.imported" in audit_actions(home)
    again = bulk.plan(bulk.read_rows(data, f"staff.{form}"), world.admin)
    assert again.count("create") == again.count("update") == again.count("department") == 0  # idempotent


@pytest.mark.parametrize(("row", "message"), [
    (["", "名無し", "C300", "税務課", "職員"], "user name"),
    (["x1", "某", "C300", "税務課", "部長代理"], "unknown role"),
    (["x2", "某", "", "", "職員"], "department code missing"),
    (["x3", "某", "Z999", "", "職員"], "give its name"),
])
def test_rows_that_cannot_be_taken(world: World, row: list[str], message: str) -> None:
    plan = bulk.plan(bulk.read_rows(csv_bytes([*staff_rows(2), row]), "staff.csv"), world.admin)
    assert [c.detail for c in plan.errors if message in c.detail], plan.errors
    with pytest.raises(WorkflowError):
        bulk.apply(world.admin, plan)
    assert not User.objects.filter(username__startswith="t0").exists()


def test_headers_named_wrongly_say_what_is_needed(world: World) -> None:
    with pytest.raises(WorkflowError, match="所属コード"):
        bulk.read_rows(csv_bytes(staff_rows(1), ["ユーザー名", "氏名", "課", "所属名", "役割"]), "s.csv")


def test_departments_without_a_head_are_pointed_out(world: World) -> None:
    plan = bulk.plan(bulk.read_rows(csv_bytes([["y1", "某", "D400", "福祉課", "職員"]]), "s.csv"), world.admin)
    assert any(c.kind == "warning" and c.subject == "D400" for c in plan.changes)


def test_web_page_dry_run_then_apply(world: World, home: Path, as_user: Any) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    admin = as_user(world.admin)
    checked = admin.post("/users/import/", {"staff": SimpleUploadedFile("職員.csv", csv_bytes(staff_rows()))})
    page = checked.content.decode()
    assert checked.status_code == 200 and "まだ何も変更していません" in page and "利用者の新規登録" in page
    assert "所属長（所属 C300）" in page and "section_head" not in page  # the plan's details in Japanese
    assert not Department.objects.filter(code="C300").exists()
    applied = admin.post("/users/import/", {"apply": "1"}).content.decode()
    assert "一括登録しました" in applied and applied.count("<code>") == 6
    assert Department.objects.get(code="C300").head is not None
    assert admin.post("/users/import/", {"apply": "1"}).status_code == 400  # the plan is used once
    assert as_user(world.head_a).get("/users/import/").status_code == 403


def test_cli_dry_run_and_apply(tmp_path: Path) -> None:
    import os

    env = {k: v for k, v in os.environ.items() if k not in ("MAMORI_TESTING", "DATABASE_URL")}
    home, staff, secrets = tmp_path / "home", tmp_path / "職員.csv", tmp_path / "passwords.csv"
    staff.write_bytes(csv_bytes(staff_rows()))

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-m", "mamori", "guard", *args], capture_output=True, text=True,
                              env=env, timeout=120, check=False)

    assert run("init", "--home", str(home), "--admin", "root").returncode == 0
    dry = run("import-staff", "--home", str(home), str(staff))
    assert dry.returncode == 0 and "確認のみ" in dry.stdout and "新規利用者 7" in dry.stdout  # alice is new here
    dry_en = run("import-staff", "--home", str(home), str(staff), "--lang", "en")
    assert "dry run" in dry_en.stdout and "7 new users" in dry_en.stdout
    assert run("import-staff", "--home", str(home), str(staff), "--apply").returncode == 2  # no --passwords
    done = run("import-staff", "--home", str(home), str(staff), "--apply", "--passwords", str(secrets))
    assert done.returncode == 0, done.stderr
    assert secrets.stat().st_mode & 0o777 == 0o600
    assert len(secrets.read_text().splitlines()) == 1 + 7


def test_a_department_without_a_head_is_warned_on_every_page(world: World, as_user: Any) -> None:
    lonely = Department.objects.create(code="E500", name="会計課")
    member = User.objects.create(username="carol", role=Role.EMPLOYEE, department=lonely)
    assert "E500 会計課" in as_user(world.admin).get("/media/").content.decode()
    assert "所属長が設定されていない" in as_user(member).get("/requests/").content.decode()
    assert "所属長が設定されていない" not in as_user(world.alice).get("/requests/").content.decode()
