"""The register of personal-information files: versions, permissions, audit, scanner tokens, pushed scans and
their mismatches with the register."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from guard_helpers import World, audit_actions

from mamori.errors import PermissionDenied, WorkflowError
from mamori.guard.register import services
from mamori.guard.register.compare import compare
from mamori.guard.register.models import EntryVersion, FileEntry, ScannedFile

ENTRY = {"name": "住民基本台帳ファイル", "organ": "市長 市民課", "purpose": "住民の居住関係の公証",
         "record_items": "氏名、生年月日、性別、住所", "record_scope": "本市の住民", "collection": "本人からの届出",
         "special_care": False, "recipients": "", "disclosure_office": "市民課（市役所1階）", "form": "electronic",
         "remarks": "", "categories": ["name", "birth_date", "address"], "locations": ["share/市民課/住民/*"]}


def entry(world: World, **overrides: Any) -> FileEntry:
    return services.create_entry(world.head_a, world.dept_a, **(ENTRY | overrides))


def item(path: str, **overrides: Any) -> dict[str, Any]:
    return {"path": path, "status": "ok", "pii": True, "categories": ["name", "address"], "persons": 12,
            "special_care": False, "size": 2048, "mtime": "2026-04-01T09:00:00+09:00", "owner": "yamada"} | overrides


def push(token: str, batch: str, items: list[dict[str, Any]], final: bool = True, run: str = "run-1") -> Any:
    body = json.dumps({"batch": batch, "run": run, "final": final, "items": items}, ensure_ascii=False)
    return Client().post("/api/register/scans", body, content_type="application/json",
                         HTTP_AUTHORIZATION=f"Bearer {token}")


def test_every_change_is_a_version_with_who_and_what(world: World, home: Path) -> None:
    e = entry(world)
    e = services.update_entry(world.head_a, e, purpose="住民の居住関係の公証及び選挙人名簿の登録", special_care=True)
    e = services.update_entry(world.admin, e, purpose=e.purpose)  # nothing changed: no new version
    e = services.retire_entry(world.head_a, e, "システム更改により廃止")
    versions = list(EntryVersion.objects.filter(entry=e))
    assert [(v.version, v.change) for v in versions] == [(1, "created"), (2, "changed"), (3, "retired")]
    assert versions[1].changed_fields == ["purpose", "special_care"] and versions[1].changed_by == world.head_a
    assert versions[0].fields["purpose"] == "住民の居住関係の公証"  # the old text is kept
    assert versions[2].fields["retired"] is True and "廃止" in versions[2].fields["remarks"]
    actions = audit_actions(home)
    assert actions.count("register.entry_created") == 1 and actions.count("register.entry_changed") == 1
    assert "register.entry_retired" in actions
    with pytest.raises(WorkflowError):
        services.update_entry(world.head_a, e, purpose="x")


@pytest.mark.parametrize("who", ["head_b", "alice", "auditor"])
def test_only_the_head_or_an_administrator_changes_a_department_register(world: World, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.create_entry(getattr(world, who), world.dept_a, **ENTRY)


@pytest.mark.parametrize("missing", ["name", "purpose", "disclosure_office"])
def test_official_columns_are_required(world: World, missing: str) -> None:
    with pytest.raises(WorkflowError, match=missing):
        entry(world, **{missing: " "})


def test_unknown_category_refused(world: World) -> None:
    with pytest.raises(WorkflowError, match="unknown"):
        entry(world, categories=["name", "blood_type"])


def test_pushed_scan_shows_the_three_mismatches(world: World, home: Path, as_user: Any) -> None:
    entry(world)  # covers share/市民課/住民/*, says no special-care data
    entry(world, name="窓口来庁者記録", locations=["share/市民課/窓口/*"])  # no file there: entry without files
    entry(world, name="紙の申請書綴", form="manual", locations=[])  # paper: never expected on a share
    _, token = services.issue_token(world.admin, world.dept_a, "市民課 共有フォルダ")
    items = [item("share/市民課/住民/台帳.csv"),
             item("share/市民課/住民/障害者手帳.xlsx", categories=["name", "disability"], special_care=True),
             item("share/市民課/個人/名簿コピー.xlsx", persons=300),
             item("share/市民課/個人/メモ.txt", pii=False, categories=[], persons=0),
             item("share/市民課/個人/暗号.zip", status="encrypted", pii=None, categories=[], persons=0)]
    answer = push(token, "run-1-000000", items)
    assert answer.status_code == 201 and answer.json()["items"] == 5
    result = compare(world.dept_a)
    assert [f.path for f in result.uncovered] == ["share/市民課/個人/名簿コピー.xlsx"]
    assert [e.name for e in result.without_files] == ["窓口来庁者記録"]
    assert [(m.file.path, m.entry.name) for m in result.special_care] == [
        ("share/市民課/住民/障害者手帳.xlsx", "住民基本台帳ファイル")]
    assert result.pii_files == 3 and result.not_inspected == 1
    page = as_user(world.head_a).get("/register/").content.decode()
    assert "名簿コピー.xlsx" in page and "窓口来庁者記録" in page and "障害者手帳.xlsx" in page
    assert "個人情報ファイル簿" in page and "ファイル簿に登載のない個人情報ファイル" in page  # Japanese by default
    assert "register.scan_pushed" in audit_actions(home)
    # The other department sees none of it.
    assert compare(world.dept_b).pii_files == 0


def test_batches_are_idempotent_and_a_complete_rescan_drops_vanished_files(world: World) -> None:
    _, token = services.issue_token(world.admin, world.dept_a, "scanner")
    first = push(token, "r1-0", [item("share/a.csv"), item("share/b.csv")])
    again = push(token, "r1-0", [item("share/a.csv"), item("share/b.csv")])
    assert first.status_code == 201 and again.status_code == 200 and again.json()["replayed"] is True
    assert ScannedFile.objects.count() == 2
    other = push(token, "r1-0", [item("share/c.csv")])
    assert other.status_code == 409
    rescan = push(token, "r2-0", [item("share/a.csv", persons=13)], run="r2")
    assert rescan.status_code == 201 and rescan.json()["removed"] == 1
    assert list(ScannedFile.objects.values_list("path", "persons")) == [("share/a.csv", 13)]


@pytest.mark.parametrize(("body", "status"), [
    (b"not json", 422),
    (b"[]", 422),
    (json.dumps({"batch": "", "items": []}).encode(), 422),
    (json.dumps({"batch": "b", "items": "x"}).encode(), 422),
    (json.dumps({"batch": "b", "items": [{"path": "a", "status": "fine"}]}).encode(), 422),
    (json.dumps({"batch": "b", "items": [{"path": "a", "status": "ok", "categories": ["blood"]}]}).encode(), 422),
    (json.dumps({"batch": "b", "items": [{"path": "a", "status": "ok", "persons": -1}]}).encode(), 422),
    (json.dumps({"batch": "b", "items": [{"path": "a", "status": "ok", "pii": "yes"}]}).encode(), 422),
    (json.dumps({"batch": "b", "items": [{"path": "a", "status": "ok",
                                          "samples": [{"value": "山田 太●"}]}]}).encode(), 422),
    (json.dumps({"batch": "b", "items": [{"status": "ok"}]}).encode(), 422),
])
def test_bad_batches_are_refused_with_4xx_and_store_nothing(world: World, body: bytes, status: int) -> None:
    _, token = services.issue_token(world.admin, world.dept_a, "scanner")
    answer = Client().post("/api/register/scans", body, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == status and answer.json()["error"] == "unprocessable"
    assert ScannedFile.objects.count() == 0


def test_tokens_are_hashed_revocable_and_issued_by_administrators_only(world: World, home: Path) -> None:
    scanner, token = services.issue_token(world.admin, world.dept_a, "scanner")
    assert token not in scanner.token_hash and len(scanner.token_hash) == 64
    assert push("mrs_wrong", "b", []).status_code == 403
    assert Client().post("/api/register/scans", b"{}", content_type="application/json").status_code == 401
    assert Client().get("/api/register/scans", HTTP_AUTHORIZATION=f"Bearer {token}").status_code == 405
    services.revoke_token(world.admin, scanner)
    assert push(token, "b", []).status_code == 403
    with pytest.raises(PermissionDenied):
        services.issue_token(world.head_a, world.dept_a, "mine")
    assert {"register.token_issued", "register.token_revoked"} <= set(audit_actions(home))


def test_pages_by_role(world: World, as_user: Any) -> None:
    e = entry(world)
    assert as_user(world.alice).get("/register/").status_code == 200  # one's own department, read only
    assert as_user(world.head_b).get(f"/register/{e.pk}/").status_code == 404
    assert as_user(world.head_a).get(f"/register/{e.pk}/").status_code == 200
    assert as_user(world.alice).post("/register/new/", ENTRY | {"department": world.dept_a.pk}).status_code == 403
    assert as_user(world.head_a).get("/register/tokens/").status_code == 403
    form = dict(ENTRY, department=str(world.dept_a.pk), locations="share/市民課/窓口/*", categories=["name"])
    form.pop("special_care")
    created = as_user(world.head_a).post("/register/new/", form)
    assert created.status_code == 302
    assert FileEntry.objects.get(pk=int(created["Location"].split("/")[2])).locations == ["share/市民課/窓口/*"]
    issued = as_user(world.admin).post("/register/tokens/", {"department": world.dept_a.pk, "name": "scan"})
    assert issued.status_code == 201 and "mrs_" in issued.content.decode()


@pytest.mark.parametrize("value", ["abc", "", "99999999999999999999999", "-1"])
def test_bad_department_ids_are_404_not_500(world: World, as_user: Any, value: str) -> None:
    assert as_user(world.head_a).post("/register/new/", ENTRY | {"department": value}).status_code == 404
    assert as_user(world.admin).post("/register/tokens/", {"department": value, "name": "x"}).status_code == 404
    assert as_user(world.head_a).post("/reports/yearly/sign/", {"department": value, "code": "1"}).status_code == 404
