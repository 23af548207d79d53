"""The audit log's newest checkpoint mailed to the auditor (a real SMTP server, aiosmtpd on loopback): the attachment
is what `mamori audit verify --trusted` takes, and with it emptying or rewriting the log is caught."""

from __future__ import annotations

from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from django.test import override_settings
from guard_helpers import World, submit
from smtp_inbox import Inbox, serving

from mamori.audit import verify_log
from mamori.guard.accounts.models import User
from mamori.guard.auditlog.services import audit_log
from mamori.guard.notices.checkpoint_mail import mail_checkpoint
from mamori.guard.notices.models import Notice

aiosmtpd = pytest.importorskip("aiosmtpd.controller", reason="aiosmtpd is not installed")


@pytest.fixture
def inbox() -> Iterator[Inbox]:
    with serving() as box, override_settings(
            EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend", EMAIL_HOST="127.0.0.1", EMAIL_PORT=box.port,
            MAMORI_NOTICES=True):
        yield box


def _attachment(message: EmailMessage) -> tuple[str, str]:
    (part,) = list(message.iter_attachments())
    content = part.get_content()
    assert isinstance(content, bytes)
    return str(part.get_filename()), content.decode("utf-8")


def test_the_auditor_receives_a_checkpoint_that_catches_tampering(world: World, home: Path, inbox: Inbox) -> None:
    User.objects.filter(pk=world.auditor.pk).update(email="auditor@city.example.lg.jp")
    User.objects.filter(pk=world.admin.pk).update(email="admin@city.example.lg.jp")
    submit(world.alice, world)
    assert mail_checkpoint() == 1
    (message,) = inbox.messages
    assert "auditor@" in str(message["To"])  # the auditor only: not the administrators who run the server
    name, note = _attachment(message)
    size = audit_log().size
    assert name.endswith(".checkpoint") and f"\n{size}\n" in note
    assert f"{size} 件" in str(message["Subject"]) and "名簿" not in message.get_body().get_content()  # type: ignore[union-attr]

    assert mail_checkpoint() == 0  # nothing new logged: nothing sent again
    assert verify_log(home, trusted=[note]).ok
    for name in ("records.log", "offsets.bin", "nodes.bin", "checkpoints.log"):
        (home / "audit" / name).write_bytes(b"")  # what plain verify cannot see
    report = verify_log(home, trusted=[note])
    assert not report.ok and report.problem


def test_a_grown_log_is_mailed_again_and_stays_consistent(world: World, home: Path, inbox: Inbox) -> None:
    User.objects.filter(pk=world.auditor.pk).update(email="auditor@city.example.lg.jp")
    submit(world.alice, world)
    assert mail_checkpoint() == 1
    submit(world.bob, world)
    assert mail_checkpoint() == 1
    notes = [_attachment(m)[1] for m in inbox.messages]
    assert len(notes) == 2 and notes[0] != notes[1]
    assert verify_log(home, trusted=notes).ok  # the older one is consistent with the grown log
    assert Notice.objects.filter(kind="audit_checkpoint", status="sent").count() == 2


def test_no_mail_server_no_mail(world: World, home: Path) -> None:
    with override_settings(MAMORI_NOTICES=False):
        assert mail_checkpoint() == 0
