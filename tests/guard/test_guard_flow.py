"""The whole export flow through the services: request → scan → approve → grant → report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from guard_helpers import World, approve, audit_actions, submit

from mamori.audit import Receipt, verify_log, verify_receipt
from mamori.errors import PermissionDenied
from mamori.guard.exports import redeem
from mamori.guard.exports.grants import grant_verifier, verify_grant
from mamori.guard.exports.models import ExportRequest, Grant, RequestState
from mamori.synth.residents import generate_residents


def test_whole_flow(world: World, home: Path) -> None:
    request = submit(world.alice, world)
    assert request.state == RequestState.PENDING
    assert 0 < request.persons <= 5 and request.categories and not request.needs_admin
    stored = json.dumps([f.samples for f in request.files.all()], ensure_ascii=False)
    assert request.files.get().samples, "the approver sees masked samples"
    for person in generate_residents(10, 1):  # the people csv_of wrote: no raw value is kept
        for raw in (person.phone, person.mobile, person.email, person.my_number):
            assert not raw or raw not in stored
    request = approve(world.head_a, request)
    assert request.state == RequestState.APPROVED
    grant = Grant.objects.get(request=request)
    document = verify_grant(grant.envelope, grant_verifier(home))
    assert document["medium"] == world.medium_a.identity()
    assert document["files"][0]["sha256"] == request.files.get().sha256
    answer = redeem.redeem("endpoint:pc-1", grant, {"medium": world.medium_a.identity(), "files": [
        {"sha256": f["sha256"], "size": f["size"]} for f in document["files"]]})
    receipt = Receipt.from_json(json.dumps(answer["receipt"]))
    assert verify_receipt(receipt, grant_verifier(home) if False else (home / "audit" / "checkpoint.pub")
                          .read_text().strip()).size > answer["audit_index"]
    assert ExportRequest.objects.get(pk=request.pk).state == RequestState.EXECUTED
    actions = audit_actions(home)
    for wanted in ("export.requested", "export.scanned", "export.approved", "grant.issued", "export.executed"):
        assert wanted in actions
    assert verify_log(home).ok


def test_policy_needs_admin_for_special_care(world: World) -> None:
    request = submit(world.alice, world, kind="care_need_list")
    assert request.special_care and request.needs_admin and "special_care" in request.policy_reasons
    request = approve(world.head_a, request)
    assert request.state == RequestState.PENDING
    with pytest.raises(PermissionDenied):
        approve(world.head_a, request)  # a second step must come from someone else
    request = approve(world.admin, request)
    assert request.state == RequestState.APPROVED
