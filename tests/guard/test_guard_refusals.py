"""Every forbidden path of the export workflow is refused, and the refusals are audited."""

from __future__ import annotations

import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from guard_helpers import World, approve, audit_actions, csv_of, fresh_code, proof_of, submit

from mamori.audit import verify_log
from mamori.errors import InvalidTransition, PermissionDenied, WorkflowError
from mamori.guard.accounts.services import AuthenticationFailed
from mamori.guard.exports import approvals, redeem, services
from mamori.guard.exports.grants import GrantInvalid, grant_signer, grant_verifier, sign_grant, verify_grant
from mamori.guard.exports.models import ExportRequest, Grant, RequestState
from mamori.guard.exports.storage import path_of
from mamori.guard.home import guard_dir
from mamori.guard.media.models import MediumState


def test_nobody_approves_own_request(world: World, home: Path) -> None:
    request = submit(world.head_a, world)
    with pytest.raises(PermissionDenied, match="own request"):
        approve(world.head_a, request)
    assert "approval.refused" in audit_actions(home)
    # The head's own request: a security administrator takes the head's step.
    assert approve(world.admin, request).state == RequestState.APPROVED


@pytest.mark.parametrize("who", ["head_b", "aaron", "auditor", "bob"])
def test_others_cannot_approve(world: World, who: str) -> None:
    request = submit(world.alice, world)
    with pytest.raises(PermissionDenied):
        approvals.decide(getattr(world, who), request, "approve", "000000", "ok")


def test_admin_step_only_when_policy_needs_it(world: World) -> None:
    request = submit(world.alice, world)
    assert not request.needs_admin
    with pytest.raises(PermissionDenied):
        approve(world.admin, request)


def test_files_changed_after_submission_void_the_request(world: World, home: Path) -> None:
    request = submit(world.alice, world)
    stored = path_of(home, request.files.get().stored_name)
    stored.write_bytes(stored.read_bytes() + "\n追加,行\n".encode())
    with pytest.raises(WorkflowError, match="files changed"):
        approve(world.head_a, request)
    assert ExportRequest.objects.get(pk=request.pk).state == RequestState.VOIDED
    assert not Grant.objects.filter(request=request).exists()
    assert "export.voided" in audit_actions(home)


def test_binding_change_voids_earlier_approvals(world: World) -> None:
    request = submit(world.alice, world, kind="care_need_list")
    approve(world.head_a, request)
    request = services.amend(world.alice, request, purpose="別の目的")
    assert request.approvals.filter(void=False).count() == 0
    request = approve(world.admin, request)
    assert request.state == RequestState.PENDING  # the head must approve the new binding again
    assert approve(world.head_a, request).state == RequestState.APPROVED


def test_replayed_totp_code_refused(world: World) -> None:
    first, second = submit(world.alice, world), submit(world.aaron, world)
    code = fresh_code(world.head_a)
    approvals.decide(world.head_a, first, "approve", code, "ok")
    with pytest.raises(AuthenticationFailed):
        approvals.decide(world.head_a, second, "approve", code, "ok")
    assert ExportRequest.objects.get(pk=second.pk).state == RequestState.PENDING


def test_wrong_totp_code_refused(world: World) -> None:
    request = submit(world.alice, world)
    with pytest.raises(AuthenticationFailed):
        approvals.decide(world.head_a, request, "approve", "12345x", "ok")


def _approved_grant(world: World) -> Grant:
    return Grant.objects.get(request=approve(world.head_a, submit(world.alice, world)))


def test_grant_is_single_use(world: World, home: Path) -> None:
    grant = _approved_grant(world)
    redeem.redeem("endpoint:pc", grant, proof_of(grant))
    grant.refresh_from_db()
    with pytest.raises(InvalidTransition, match="already been used"):
        redeem.redeem("endpoint:pc", grant, proof_of(grant))
    assert "grant.reuse_refused" in audit_actions(home)


def test_expired_grant_refused(world: World, home: Path) -> None:
    grant = _approved_grant(world)
    Grant.objects.filter(pk=grant.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    grant.refresh_from_db()
    with pytest.raises(InvalidTransition, match="expired"):
        redeem.redeem("endpoint:pc", grant, {})
    with pytest.raises(GrantInvalid, match="expired"):
        verify_grant(grant.envelope, grant_verifier(home), now=timezone.now() + timedelta(days=3))


def test_report_of_other_medium_or_files_refused(world: World, home: Path) -> None:
    grant = _approved_grant(world)
    with pytest.raises(WorkflowError, match="medium"):
        redeem.redeem("endpoint:pc", grant, {"medium": world.medium_b.identity()})
    with pytest.raises(WorkflowError, match="files"):
        redeem.redeem("endpoint:pc", grant, {"medium": world.medium_a.identity(),
                                             "files": [{"sha256": "0" * 64, "size": 1}]})
    with pytest.raises(WorkflowError, match="files is required"):
        redeem.redeem("endpoint:pc", grant, {"medium": world.medium_a.identity()})
    assert "export.mismatch" in audit_actions(home)


def test_withdrawn_request_grant_refused(world: World) -> None:
    grant = _approved_grant(world)
    services.withdraw(world.alice, grant.request)
    grant.refresh_from_db()
    with pytest.raises(InvalidTransition):
        redeem.redeem("endpoint:pc", grant, {})


@pytest.mark.parametrize("tamper", ["document", "signature", "format", "garbage"])
def test_tampered_grant_does_not_verify(world: World, home: Path, tamper: str) -> None:
    envelope = json.loads(_approved_grant(world).envelope)
    if tamper == "document":
        envelope["grant"]["files"][0]["size"] += 1
    elif tamper == "signature":
        envelope["signature"] = envelope["signature"][::-1]
    elif tamper == "format":
        envelope["format"] = "x"
    text = "{not json" if tamper == "garbage" else json.dumps(envelope)
    with pytest.raises(GrantInvalid):
        verify_grant(text, grant_verifier(home))


def test_grant_from_another_key_does_not_verify(world: World, home: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    other = grant_signer(tmp_path_factory.mktemp("other"))
    document = json.loads(_approved_grant(world).envelope)["grant"]
    with pytest.raises(GrantInvalid, match="signature"):
        verify_grant(sign_grant(document, other), grant_verifier(home))


def test_forbidden_category_blocks_request(world: World, home: Path) -> None:
    (guard_dir(home) / "policy.json").write_text('{"forbidden_categories": ["care_need", "disability", "health"]}')
    request = submit(world.alice, world, kind="care_need_list")
    assert request.state == RequestState.BLOCKED
    with pytest.raises(InvalidTransition):
        approve(world.head_a, request)
    assert "export.blocked" in audit_actions(home)


def test_many_people_need_admin(world: World, home: Path) -> None:
    (guard_dir(home) / "policy.json").write_text('{"admin_if_persons_over": 1}')
    assert "persons_over_limit" in submit(world.alice, world, rows=8).policy_reasons


@pytest.mark.parametrize("state", [MediumState.LOST, MediumState.RETIRED])
def test_unusable_medium_refused(world: World, state: str) -> None:
    world.medium_a.state = state
    world.medium_a.save()
    with pytest.raises(WorkflowError):
        submit(world.alice, world)


def test_medium_of_other_department_refused(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.submit(world.alice, [services.Upload("a.csv", [b"x"])], world.medium_b, "p", "r",
                        timezone.now() + timedelta(days=1))


@pytest.mark.parametrize(("purpose", "recipient", "days"), [("", "r", 1), ("p", "", 1), ("p", "r", -1), ("p", "r", 90)])
def test_bad_terms_refused_and_nothing_kept(world: World, home: Path, purpose: str, recipient: str, days: int) -> None:
    with pytest.raises(WorkflowError):
        services.submit(world.alice, [services.Upload("a.csv", [csv_of("resident_list", 2)])], world.medium_a,
                        purpose, recipient, timezone.now() + timedelta(days=days))
    files = home / "guard" / "files"
    assert not files.exists() or not os.listdir(files)


def test_auditor_cannot_request(world: World) -> None:
    with pytest.raises(PermissionDenied):
        services.submit(world.auditor, [services.Upload("a.csv", [b"x"])], world.medium_a, "p", "r",
                        timezone.now() + timedelta(days=1))


def test_rejection_needs_reason_and_is_final(world: World, home: Path) -> None:
    request = submit(world.alice, world)
    with pytest.raises(WorkflowError, match="reason"):
        approvals.decide(world.head_a, request, "reject", fresh_code(world.head_a), "")
    request = approvals.decide(world.head_a, request, "reject", fresh_code(world.head_a), "目的が不明確")
    assert request.state == RequestState.REJECTED
    with pytest.raises(InvalidTransition):
        approve(world.head_a, request)
    assert verify_log(home).ok


def test_stored_files_are_owner_only(world: World, home: Path) -> None:
    request = submit(world.alice, world)
    path = path_of(home, request.files.get().stored_name)
    assert path.stat().st_mode & 0o777 == 0o600
    assert path.parent.stat().st_mode & 0o777 == 0o700
    assert (home / "guard" / "grant.key").exists() is False or (home / "guard" / "grant.key").stat().st_mode & 0o777 == 0o600
