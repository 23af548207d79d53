"""The web views: log-in with TOTP, session rotation and time-outs, CSP, authorisation by role and department."""

from __future__ import annotations

import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from guard_helpers import World, audit_actions, csv_of, fresh_code, submit

from mamori.guard import settings as guard_settings
from mamori.guard.exports.models import ExportRequest, RequestState
from mamori.guard.media.models import Medium, MediumState
from mamori.guard.ui.middleware import SEEN_AT


def password_login(client: Client, world: World, username: str) -> Any:
    return client.post("/login/", {"username": username, "password": world.passwords[username]})


def test_argon2_is_the_first_hasher() -> None:
    assert guard_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_employee_logs_in_with_password_and_session_rotates(world: World, home: Path) -> None:
    client = Client()
    client.get("/login/")
    client.cookies["mamori_session"] = "attackerchosenvalue0000000000000"
    response = password_login(client, world, "alice")
    assert response.status_code == 302
    assert client.cookies["mamori_session"].value != "attackerchosenvalue0000000000000"
    assert client.get("/requests/").status_code == 200
    assert "login.succeeded" in audit_actions(home)


def test_head_needs_totp_and_session_key_changes(world: World, home: Path) -> None:
    client = Client()
    response = password_login(client, world, "head_a")
    assert response.status_code == 302 and response["Location"] == "/login/totp/"
    before = client.cookies["mamori_session"].value
    assert client.get("/queue/").status_code == 302  # not logged in yet
    response = client.post("/login/totp/", {"code": fresh_code(world.head_a)})
    assert response.status_code == 302
    assert client.cookies["mamori_session"].value != before
    assert client.get("/queue/").status_code == 200


def test_replayed_login_code_refused(world: World) -> None:
    code = fresh_code(world.head_a)
    first = Client()
    password_login(first, world, "head_a")
    assert first.post("/login/totp/", {"code": code}).status_code == 302
    second = Client()
    password_login(second, world, "head_a")
    assert second.post("/login/totp/", {"code": code}).status_code == 400
    assert second.get("/queue/").status_code == 302


def test_idle_timeout_logs_out(world: World, as_user: Any) -> None:
    client = as_user(world.alice)
    session = client.session
    session[SEEN_AT] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/requests/")
    assert response.status_code == 302 and "expired" in response["Location"]


def test_security_headers(world: World, as_user: Any) -> None:
    for response in (Client().get("/login/"), as_user(world.alice).get("/requests/")):
        csp = response["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp and "frame-ancestors 'none'" in csp
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
    cookie = Client()
    password_login(cookie, world, "alice")
    morsel = cookie.cookies["mamori_session"]
    assert morsel["httponly"] and morsel["samesite"] == "Strict"


def test_csrf_enforced(world: World) -> None:
    client = Client(enforce_csrf_checks=True)
    assert client.post("/login/", {"username": "alice", "password": "x"}).status_code == 403


def test_healthz(db: None, home: Path) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"


def test_new_request_upload_and_approval_via_pages(world: World, home: Path, as_user: Any) -> None:
    alice = as_user(world.alice)
    page = alice.get("/requests/new/")
    assert page.status_code == 200 and world.medium_a.label in page.content.decode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    expires = (timezone.localtime() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    response = alice.post("/requests/new/", {
        "files": SimpleUploadedFile("介護.csv", csv_of("care_need_list", 4)), "medium": world.medium_a.pk,
        "purpose": "ケース会議", "recipient": "地域包括支援センター", "expires_at": expires})
    assert response.status_code == 302
    request = ExportRequest.objects.get(requester=world.alice)
    head = as_user(world.head_a)
    page = head.get(f"/requests/{request.pk}/").content.decode()
    assert "要配慮個人情報を含みます" in page and "氏名" in page and "/decide/" in page
    response = head.post(f"/requests/{request.pk}/decide/", {"decision": "approve", "code": fresh_code(world.head_a),
                                                            "reason": "ok", "step": "head"})
    assert response.status_code == 302
    response = as_user(world.admin).post(f"/requests/{request.pk}/decide/", {
        "decision": "approve", "code": fresh_code(world.admin), "reason": "ok"})
    assert response.status_code == 302
    assert ExportRequest.objects.get(pk=request.pk).state == RequestState.APPROVED
    assert alice.get(f"/requests/{request.pk}/grant.json").json()["format"] == "mamori-grant/1"


def test_english_switch(world: World, as_user: Any) -> None:
    client = as_user(world.alice)
    client.post("/lang/", {"lang": "en", "next": "/requests/"})
    assert "My export requests" in client.get("/requests/").content.decode()


def test_other_users_objects_are_not_found(world: World, as_user: Any) -> None:
    mine = submit(world.alice, world)
    other_dept = submit(world.bob, world)
    aaron = as_user(world.aaron)
    assert aaron.get(f"/requests/{mine.pk}/").status_code == 404
    assert aaron.get(f"/requests/{mine.pk}/grant.json").status_code == 404
    assert aaron.post(f"/requests/{mine.pk}/withdraw/").status_code == 404
    head_b = as_user(world.head_b)
    assert head_b.get(f"/requests/{mine.pk}/").status_code == 404
    assert head_b.post(f"/requests/{mine.pk}/decide/", {"decision": "approve", "code": "000000"}).status_code == 404
    assert as_user(world.head_a).get(f"/requests/{other_dept.pk}/").status_code == 404
    assert as_user(world.head_a).get(f"/requests/{mine.pk}/").status_code == 200
    assert as_user(world.alice).get("/requests/999999/").status_code == 404


def test_own_request_decision_is_forbidden_page(world: World, as_user: Any) -> None:
    request = submit(world.head_a, world)
    response = as_user(world.head_a).post(f"/requests/{request.pk}/decide/", {
        "decision": "approve", "code": fresh_code(world.head_a)})
    assert response.status_code == 403 and "自分の申請は承認できません" in response.content.decode()


@pytest.mark.parametrize(("who", "url", "status"), [
    ("alice", "/queue/", 403), ("alice", "/media/", 403), ("alice", "/audit/", 403), ("alice", "/users/", 403),
    ("head_a", "/audit/", 403), ("auditor", "/requests/new/", 403), ("auditor", "/audit/", 200),
    ("admin", "/users/", 200), ("head_a", "/reports/monthly/", 200), ("auditor", "/media/", 200),
])
def test_pages_by_role(world: World, as_user: Any, who: str, url: str, status: int) -> None:
    assert as_user(getattr(world, who)).get(url).status_code == status


def test_head_report_limited_to_own_department(world: World, as_user: Any) -> None:
    head = as_user(world.head_a)
    assert head.get(f"/reports/monthly/?department={world.dept_b.pk}").status_code == 404
    assert head.get(f"/reports/monthly/?department={world.dept_a.pk}").status_code == 200


def test_media_register_and_transitions(world: World, home: Path, as_user: Any) -> None:
    admin = as_user(world.admin)
    response = admin.post("/media/register/", {"vendor_id": "0x0951", "product_id": "1666", "serial": "K-1",
                                               "capacity_bytes": 1000, "label": "新USB",
                                               "department": world.dept_a.pk, "encrypted": "on"})
    assert response.status_code == 302
    medium = Medium.objects.get(serial="K-1")
    assert medium.vendor_id == "0951"
    assert admin.post(f"/media/{medium.pk}/transition/", {"state": "lent", "holder": "alice"}).status_code == 302
    assert admin.post(f"/media/{medium.pk}/transition/", {"state": "wiped"}).status_code == 409
    assert admin.post(f"/media/{medium.pk}/transition/", {"state": "lent", "holder": "bob"}).status_code == 409
    assert Medium.objects.get(pk=medium.pk).state == MediumState.LENT
    assert as_user(world.head_a).post(f"/media/{medium.pk}/transition/", {"state": "returned"}).status_code == 403
    actions = audit_actions(home)
    assert "medium.registered" in actions and "medium.changed" in actions


def test_audit_search_and_csv(world: World, as_user: Any) -> None:
    submit(world.alice, world)
    auditor = as_user(world.auditor)
    page = auditor.get("/audit/?action=export.").content.decode()
    assert "export.requested" in page
    response = auditor.get("/audit/csv/?action=export.requested")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert body.splitlines()[0].startswith("index,time,actor,action")
    assert "export.requested" in body
    assert auditor.get("/audit/?date_from=garbage").status_code == 400


def test_role_change_is_audited(world: World, home: Path, as_user: Any) -> None:
    admin = as_user(world.admin)
    assert admin.post(f"/users/{world.aaron.pk}/role/", {"role": "auditor"}).status_code == 302
    assert admin.post(f"/users/{world.admin.pk}/role/", {"role": "employee"}).status_code == 403
    assert "user.role_changed" in audit_actions(home)


def test_database_backend_is_the_one_asked_for(db: None) -> None:
    import os

    from django.db import connection

    wanted = "postgresql" if os.environ.get("MAMORI_TEST_DATABASE_URL") else "sqlite"
    assert connection.vendor == wanted


def test_admin_creates_department_user_and_head(world: World, home: Path, as_user: Any) -> None:
    from mamori.guard.accounts.models import Department, User

    admin = as_user(world.admin)
    assert admin.post("/departments/", {"code": "C300", "name": "税務課"}).status_code == 302
    dept = Department.objects.get(code="C300")
    page = admin.post("/users/", {"username": "tanaka", "role": "section_head", "department": dept.pk})
    assert page.status_code == 200 and "otpauth://totp/mamori:tanaka" in page.content.decode()
    assert admin.post(f"/departments/{dept.pk}/head/", {"username": "tanaka"}).status_code == 302
    assert Department.objects.get(pk=dept.pk).head == User.objects.get(username="tanaka")
    assert admin.post(f"/departments/{dept.pk}/head/", {"username": "alice"}).status_code == 400
    assert as_user(world.head_a).post("/departments/", {"code": "D", "name": "x"}).status_code == 403
    assert "department.created" in audit_actions(home) and "department.head_set" in audit_actions(home)


def test_any_user_enrols_totp_with_a_qr_code(world: World, home: Path) -> None:
    import pyotp
    from guard_helpers import login

    from mamori.guard.accounts.models import User

    client = login(Client(), world.alice)
    page = client.get("/totp/enrol/")
    html = page.content.decode()
    assert page.status_code == 200 and "<svg" in html and "二要素認証の登録" in html
    secret = client.session["mamori_totp_pending"]
    wrong = client.post("/totp/enrol/", {"code": "000000" if pyotp.TOTP(secret).now() != "000000" else "111111"})
    assert wrong.status_code == 400 and "確認コードが違います" in wrong.content.decode() and "<svg" in wrong.content.decode()
    assert not User.objects.get(pk=world.alice.pk).totp_secret
    done = client.post("/totp/enrol/", {"code": pyotp.TOTP(secret).now()})
    assert done.status_code == 200 and "登録しました" in done.content.decode()
    assert User.objects.get(pk=world.alice.pk).totp_secret == secret
    assert "account.totp_enrolled" in audit_actions(home)


def test_mistakes_keep_the_form_and_say_what_to_fix(world: World, home: Path) -> None:
    from guard_helpers import login

    request = submit(world.alice, world)
    head = login(Client(), world.head_a)
    wrong = head.post(f"/requests/{request.pk}/decide/", {"decision": "approve", "code": "000000",
                                                          "reason": "研修用途を確認", "step": "head"})
    page = wrong.content.decode()
    assert wrong.status_code == 400 and "確認コードが違う" in page
    assert 'name="code"' in page and "研修用途を確認" in page  # the form again, with the reason kept
    weak = login(Client(), world.alice).post("/password/", {"new_password": "alice"})
    assert weak.status_code == 400 and 'name="new_password"' in weak.content.decode()
