"""E-mail notices received by a real SMTP server (aiosmtpd on loopback): new request, decision, escalation,
blocked device, daily digest; sent once each; a dead mail server never fails the action."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import override_settings
from django.utils import timezone
from guard_helpers import World, approve, submit
from guard_live import free_port
from smtp_inbox import Inbox, serving

from mamori.guard.accounts.models import Role, User
from mamori.guard.api.services import create_endpoint, device_event
from mamori.guard.notices.digest import send_digest
from mamori.guard.notices.models import Notice

aiosmtpd = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is not installed")


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with serving() as box, override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=box.port,
            MAMORI_NOTICES=True, MAMORI_BASE_URL="https://guard.example.lg.jp"):
        yield box


def _mail(world: World) -> None:
    for user in (world.head_a, world.head_b, world.alice, world.bob, world.admin, world.auditor):
        User.objects.filter(pk=user.pk).update(email=f"{user.username}@city.example.lg.jp")
        user.refresh_from_db()


def test_request_and_decision_notices(world: World, home: Path, inbox: Inbox) -> None:
    _mail(world)
    request = submit(world.alice, world)
    assert inbox.subjects_to("head_a@") == [f"【mamori】持出し申請 #{request.pk} の承認をお願いします"]
    assert not inbox.subjects_to("head_b@")  # another department's head is not told
    body = inbox.messages[0].get_content()
    assert f"https://guard.example.lg.jp/requests/{request.pk}/" in body and "名簿.csv" not in body
    approve(world.head_a, request)
    assert inbox.subjects_to("alice@") == [f"【mamori】持出し申請 #{request.pk} は「承認済」になりました"]
    request.save()  # saving again tells nobody twice
    assert len(inbox.messages) == 2 and Notice.objects.filter(status="sent").count() == 2


def test_a_deputy_is_told_of_new_requests(world: World, home: Path, inbox: Inbox) -> None:
    from datetime import timedelta

    from mamori.guard.organisation.services import appoint_deputy

    _mail(world)
    User.objects.filter(pk=world.aaron.pk).update(email="aaron@city.example.lg.jp", totp_secret="JBSWY3DPEHPK3PXP")
    world.aaron.refresh_from_db()
    today = timezone.localdate()
    appoint_deputy(world.head_a, world.dept_a, world.aaron, today, today + timedelta(days=3), "休暇")
    request = submit(world.alice, world)
    assert inbox.subjects_to("aaron@") == [f"【mamori】持出し申請 #{request.pk} の承認をお願いします"]
    submit(world.bob, world)
    assert len(inbox.subjects_to("aaron@")) == 1  # only the department they deputise for


def test_a_heads_own_request_escalates(world: World, home: Path, inbox: Inbox) -> None:
    _mail(world)
    request = submit(world.head_a, world)
    assert any("所属長本人" in s for s in inbox.subjects_to("admin@"))
    assert any(f"#{request.pk} の承認" in s for s in inbox.subjects_to("admin@"))  # the administrator takes the head's step


def test_blocked_device_and_digest(world: World, home: Path, inbox: Inbox) -> None:
    _mail(world)
    endpoint, _ = create_endpoint(None, "pc-77", world.dept_a)
    device_event(endpoint, {"kind": "blocked", "vendor_id": "abcd", "product_id": "1234", "serial": "X9",
                            "occurred_at": timezone.now().isoformat(), "idempotency_key": "k1"})
    assert any("遮断" in s for s in inbox.subjects_to("admin@"))
    submit(world.alice, world)
    submit(world.bob, world)
    before = len(inbox.messages)
    assert send_digest(timezone.localdate()) == 2  # head_a and head_b each have one waiting
    assert send_digest(timezone.localdate()) == 0  # once a day
    assert len(inbox.messages) == before + 2 and any("承認待ちの持出し申請 1 件" in s for s in inbox.subjects_to("head_b@"))


def test_a_dead_mail_server_does_not_fail_the_request(world: World, home: Path) -> None:
    _mail(world)
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1",
                           EMAIL_PORT=free_port(), MAMORI_NOTICES=True):
        request = submit(world.alice, world)
    assert request.pk and Notice.objects.get(recipient="head_a@city.example.lg.jp").status == "failed"


def test_no_mail_server_no_notices(world: World, home: Path) -> None:
    _mail(world)
    submit(world.alice, world)
    assert not Notice.objects.exists()
    assert Role.SECTION_HEAD in Role.values


def test_the_notices_page_shows_the_settings_and_what_was_sent(world: World, home: Path, inbox: Inbox,
                                                                as_user: Any) -> None:
    _mail(world)
    submit(world.alice, world)
    Notice.objects.create(kind="decision", subject_id="99:approved", recipient="gone@city.example.lg.jp",
                          status="failed", error="Connection refused")
    page = as_user(world.admin).get("/notices/").content.decode()
    assert "127.0.0.1:" in page and "https://guard.example.lg.jp" in page and "mamori guard digest" in page
    assert "head_a@city.example.lg.jp" in page and "承認の依頼" in page and "送信済み" in page
    assert "送信できず" in page and "Connection refused" in page
    assert as_user(world.head_a).get("/notices/").status_code == 403


def test_the_notices_page_says_when_no_mail_is_sent(world: World, as_user: Any) -> None:
    with override_settings(MAMORI_NOTICES=False):
        page = as_user(world.admin).get("/notices/").content.decode()
    assert 'id="notices-off"' in page and "MAMORI_SMTP_HOST" in page
