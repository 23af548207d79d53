"""Shared helpers of the guard tests (imported after conftest has set Django up)."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pyotp
from django.test import Client
from django.utils import timezone

from mamori.guard.accounts.models import Department, User
from mamori.guard.accounts.services import create_user
from mamori.guard.exports import approvals, services
from mamori.guard.exports.models import ExportRequest
from mamori.guard.media.models import Medium
from mamori.guard.ui.middleware import AUTH_AT, SEEN_AT
from mamori.synth.documents import make_document
from mamori.synth.render.base import render
from mamori.synth.residents import generate_residents


@dataclass
class World:
    """Two departments with heads and staff, a security administrator, an auditor and media."""

    dept_a: Department
    dept_b: Department
    head_a: User
    head_b: User
    alice: User
    aaron: User
    bob: User
    admin: User
    auditor: User
    medium_a: Medium
    medium_b: Medium
    passwords: dict[str, str]


def make_user(username: str, role: str, dept: Department | None, passwords: dict[str, str]) -> User:
    user, password = create_user(None, username, role, dept)
    user.must_change_password = False
    user.save(update_fields=["must_change_password"])
    passwords[username] = password
    return user


def fresh_code(user: User) -> str:
    """A TOTP code of `user` that has not been used yet (the next step within the drift window)."""
    user.refresh_from_db(fields=["totp_last_step"])
    totp = pyotp.TOTP(user.totp_secret)
    current = int(time.time() // totp.interval)
    step = max(current - 1, user.totp_last_step + 1)
    assert step <= current + 1, "too many codes used within one time window"
    return totp.generate_otp(step)


def login(client: Client, user: User) -> Client:
    """Log `user` in (as after password and TOTP) with the session clocks started."""
    client.force_login(user)
    session = client.session
    session[AUTH_AT] = session[SEEN_AT] = int(time.time())
    session.save()
    return client


def audit_actions(home: Path) -> list[str]:
    """The actions recorded in `home`'s audit log, in order."""
    from mamori.audit import AuditLog

    with AuditLog(home, durable=False) as log:
        return [event.action for _, event in log.events()]




def csv_of(kind: str, rows: int, seed: int = 1) -> bytes:
    """A synthetic municipal list as CSV bytes."""
    people = generate_residents(rows + 5, seed)
    return render(make_document(kind, people, rows=rows, seed=seed), "csv", "utf-8")


def submit(user: User, world: World, kind: str = "resident_list", rows: int = 5) -> ExportRequest:
    medium = world.medium_a if user.department_id == world.dept_a.pk else world.medium_b
    return services.submit(user, [services.Upload("名簿.csv", [csv_of(kind, rows)])], medium,
                           "研修会の受付名簿", "〇〇研修センター", timezone.now() + timedelta(days=2))


def proof_of(grant: object) -> dict[str, object]:
    """An executed report carrying the proof the server demands: the grant's medium and files, as written."""
    doc = json.loads(grant.envelope)["grant"]  # type: ignore[attr-defined]
    return {"medium": doc["medium"], "files": [{"name": f["name"], "sha256": f["sha256"], "size": f["size"]}
                                               for f in doc["files"]], "result": "ok"}


def approve(user: User, request: ExportRequest, step: str | None = None) -> ExportRequest:
    return approvals.decide(user, request, "approve", fresh_code(user), "確認済み", step=step)


