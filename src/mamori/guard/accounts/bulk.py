"""Staff and departments imported in bulk from the personnel system's export (CSV or XLSX), dry run first.

The file has one row per person; its headers may be Japanese or English (ユーザー名/username, 氏名/name,
所属コード/department_code, 所属名/department, 役割/role). A plan says what would change — departments and users
created, users moved or given another role, heads set — and every row that cannot be taken, with its line number;
nothing is written until the plan is applied, and a plan with errors is never applied.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from mamori.errors import WorkflowError
from mamori.guard.accounts.models import Department, Role, User
from mamori.guard.accounts.services import create_department, create_user, require_role, set_head
from mamori.guard.auditlog.services import record
from mamori.i18n import said

MAX_ROWS = 50_000
MAX_BYTES = 32 * 1024 * 1024
COLUMNS: dict[str, tuple[str, ...]] = {
    "username": ("ユーザー名", "ユーザーid", "ユーザid", "ログインid", "職員番号", "username", "login", "user"),
    "display_name": ("氏名", "名前", "表示名", "display_name", "name", "full name"),
    "department_code": ("所属コード", "課コード", "部署コード", "department_code", "dept_code"),
    "department_name": ("所属名", "所属", "課名", "部署名", "department", "department_name"),
    "role": ("役割", "権限", "ロール", "role"),
}
ROLES: dict[str, str] = {
    "職員": Role.EMPLOYEE, "一般": Role.EMPLOYEE, "employee": Role.EMPLOYEE, "staff": Role.EMPLOYEE, "": Role.EMPLOYEE,
    "所属長": Role.SECTION_HEAD, "課長": Role.SECTION_HEAD, "section_head": Role.SECTION_HEAD,
    "head": Role.SECTION_HEAD,
    "情報セキュリティ管理者": Role.SECURITY_ADMIN, "security_admin": Role.SECURITY_ADMIN, "admin": Role.SECURITY_ADMIN,
    "監査担当": Role.AUDITOR, "監査": Role.AUDITOR, "auditor": Role.AUDITOR,
}


@dataclass(frozen=True)
class StaffRow:
    line: int
    username: str
    display_name: str
    department_code: str
    department_name: str
    role: str


@dataclass(frozen=True)
class Change:
    """One thing the import would do (or why a row cannot be taken)."""

    line: int
    kind: str  # department | create | update | head | unchanged | warning | error
    subject: str
    detail: str = ""


@dataclass(frozen=True)
class ImportPlan:
    rows: tuple[StaffRow, ...]
    changes: tuple[Change, ...] = field(default=())

    @property
    def errors(self) -> tuple[Change, ...]:
        return tuple(c for c in self.changes if c.kind == "error")

    def count(self, kind: str) -> int:
        return sum(1 for c in self.changes if c.kind == kind)


def _table(data: bytes, filename: str) -> list[list[str]]:
    if len(data) > MAX_BYTES:
        raise WorkflowError(said("error.accounts.staff_file_larger_than", value1=MAX_BYTES // 1024 // 1024))
    if filename.lower().endswith((".xlsx", ".xlsm", ".xls", ".ods")) or data[:2] == b"PK":
        from python_calamine import CalamineWorkbook

        try:
            book = CalamineWorkbook.from_filelike(io.BytesIO(data))
            sheet = book.get_sheet_by_index(0).to_python(skip_empty_area=True)
        except Exception as exc:  # noqa: BLE001 - calamine raises its own kinds for damaged files
            raise WorkflowError(said("error.accounts.workbook_cannot_read_save", exc=exc)) from None
        return [["" if v is None else str(v).strip() for v in row] for row in sheet]
    from mamori.extract.encoding import decode

    text = decode(data).text
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text.lstrip("\ufeff")))]


def read_rows(data: bytes, filename: str) -> list[StaffRow]:
    """The staff rows of a CSV (any Japanese encoding) or a workbook's first sheet."""
    table = [row for row in _table(data, filename) if any(row)]
    if not table:
        raise WorkflowError(said("error.accounts.staff_file_empty"))
    header = [h.strip().lower() for h in table[0]]
    where: dict[str, int] = {}
    for key, names in COLUMNS.items():
        for i, name in enumerate(header):
            if name in names:
                where[key] = i
                break
    missing = [k for k in ("username", "department_code") if k not in where]
    if missing:
        raise WorkflowError("the header must name these columns: " + ", ".join(
            f"{COLUMNS[k][0]} ({COLUMNS[k][-3]})" for k in missing) + f"; found: {', '.join(table[0])}")
    if len(table) - 1 > MAX_ROWS:
        raise WorkflowError(said("error.accounts.more_than_rows_split", max_rows=MAX_ROWS))

    def cell(row: list[str], key: str) -> str:
        i = where.get(key)
        return row[i] if i is not None and i < len(row) else ""

    return [StaffRow(n, cell(r, "username"), cell(r, "display_name"), cell(r, "department_code"),
                     cell(r, "department_name"), cell(r, "role")) for n, r in enumerate(table[1:], start=2)]


def _joined(parts: list[str]) -> str:
    """Several changes of one user as one message (each part stays translatable)."""
    if len(parts) <= 1:
        return parts[0] if parts else ""
    return said("ui.staff.detail.and", first=parts[0], rest=_joined(parts[1:]))


def plan(rows: list[StaffRow], actor: User | None = None) -> ImportPlan:
    """What importing `rows` would change, without changing anything."""
    changes: list[Change] = []
    departments = {d.code: d for d in Department.objects.select_related("head")}
    users = {u.username: u for u in User.objects.filter(username__in=[r.username for r in rows])}
    new_departments: dict[str, str] = {}
    seen: set[str] = set()
    heads: dict[str, str] = {}
    for row in rows:
        if not row.username or len(row.username) > 150:
            changes.append(Change(row.line, "error", row.username or "—", said("ui.staff.detail.username_missing")))
            continue
        if row.username in seen:
            changes.append(Change(row.line, "error", row.username, said("ui.staff.detail.username_twice")))
            continue
        seen.add(row.username)
        role = ROLES.get(row.role.strip().lower(), ROLES.get(row.role.strip()))
        if role is None:
            changes.append(Change(row.line, "error", row.username, said("ui.staff.detail.unknown_role",
                                                                         role=row.role)))
            continue
        if not row.department_code:
            changes.append(Change(row.line, "error", row.username, said("ui.staff.detail.department_missing")))
            continue
        if row.department_code not in departments and row.department_code not in new_departments:
            if not row.department_name:
                changes.append(Change(row.line, "error", row.username,
                                      said("ui.staff.detail.department_needs_name",
                                            code=row.department_code)))
                continue
            new_departments[row.department_code] = row.department_name
            changes.append(Change(row.line, "department", row.department_code, row.department_name))
        existing = users.get(row.username)
        if existing is None:
            detail = said("ui.staff.detail.create", role=said(f"choice.role.{role}"), department=row.department_code)
            changes.append(Change(row.line, "create", row.username, detail))
        else:
            moved: list[str] = []
            current_dept = existing.department.code if existing.department else ""
            if current_dept != row.department_code:
                moved.append(said("ui.staff.detail.moved", old=current_dept or "—", new=row.department_code))
            if existing.role != role:
                if actor is not None and existing.pk == actor.pk:
                    changes.append(Change(row.line, "error", row.username, said("ui.staff.detail.own_role")))
                    continue
                moved.append(said("ui.staff.detail.role_changed", old=said(f"choice.role.{existing.role}"),
                                  new=said(f"choice.role.{role}")))
            if row.display_name and existing.display_name != row.display_name:
                moved.append(said("ui.staff.detail.name"))
            changes.append(Change(row.line, "update" if moved else "unchanged", row.username, _joined(moved)))
        if role == Role.SECTION_HEAD:
            department = departments.get(row.department_code)
            current_head = department.head if department is not None else None
            if row.department_code in heads:
                changes.append(Change(row.line, "warning", row.username, said("ui.staff.detail.head_twice",
                                                                           head=heads[row.department_code],
                                                                           code=row.department_code)))
            elif current_head is not None and current_head.username != row.username:
                changes.append(Change(row.line, "warning", row.username,
                                      said("ui.staff.detail.has_head", code=row.department_code,
                                           head=current_head.username)))
            else:
                heads[row.department_code] = row.username
                changes.append(Change(row.line, "head", row.department_code, row.username))
    for code in {*departments, *new_departments} - {*heads, *(c for c, d in departments.items() if d.head_id)}:
        changes.append(Change(0, "warning", code, said("ui.staff.detail.no_head")))
    return ImportPlan(tuple(rows), tuple(changes))


def apply(actor: User, import_plan: ImportPlan) -> list[tuple[str, str]]:
    """Carry out a plan without errors; the new users' one-time passwords (to hand over once)."""
    require_role(actor, Role.SECURITY_ADMIN)
    if import_plan.errors:
        raise WorkflowError(said("error.accounts.row_cannot_taken_correct", value1=len(import_plan.errors)))
    fresh = plan(list(import_plan.rows), actor)  # the database may have changed since the dry run
    if fresh.errors:
        raise WorkflowError(said("error.accounts.staff_departments_changed_since"))
    passwords: list[tuple[str, str]] = []
    by_line = {row.line: row for row in fresh.rows}
    with transaction.atomic():
        for change in (c for c in fresh.changes if c.kind == "department"):
            create_department(actor, change.subject, change.detail)
        departments = {d.code: d for d in Department.objects.all()}
        for change in fresh.changes:
            row = by_line.get(change.line)
            if row is None or change.kind not in ("create", "update"):
                continue
            role = ROLES.get(row.role.strip().lower(), ROLES.get(row.role.strip(), Role.EMPLOYEE))
            department = departments[row.department_code]
            if change.kind == "create":
                _, password = create_user(actor, row.username, role, department, row.display_name)
                passwords.append((row.username, password))
            else:
                _update(actor, row, role, department)
        for change in (c for c in fresh.changes if c.kind == "head"):
            set_head(actor, departments[change.subject], User.objects.get(username=change.detail))
        record(actor.username, "staff.imported", "staff", "", rows=len(fresh.rows),
               created=fresh.count("create"), updated=fresh.count("update"), departments=fresh.count("department"))
    return passwords


def _update(actor: User, row: StaffRow, role: str, department: Department) -> None:
    from mamori.guard.accounts.services import set_role

    user = User.objects.get(username=row.username)
    if user.role != role:
        set_role(actor, user, role)
        user.refresh_from_db()
    fields: dict[str, Any] = {}
    if user.department_id != department.pk:
        fields["department"] = department
    if row.display_name and user.display_name != row.display_name:
        fields["display_name"] = row.display_name
    if fields:
        for key, value in fields.items():
            setattr(user, key, value)
        user.save(update_fields=list(fields))
        record(actor.username, "user.changed", "user", user.username, fields=sorted(fields),
               department=department.code)
