"""The organisation: a deputy approves in the head's place with their own TOTP (recorded as such) only during the
period; a 課長's own request goes up to the 部長; the hierarchy never loops."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from guard_helpers import World, approve, audit_actions, fresh_code, make_user, submit

from mamori.errors import PermissionDenied, WorkflowError
from mamori.guard.accounts.models import Department, Role
from mamori.guard.accounts.services import set_head
from mamori.guard.exports import approvals
from mamori.guard.exports.access import approval_queue, eligible_steps
from mamori.guard.exports.models import RequestState
from mamori.guard.organisation import services
from mamori.guard.organisation.models import Level


def test_a_deputy_approves_during_the_period_only(world: World, home: Path) -> None:
    aaron = world.aaron
    aaron.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    aaron.save(update_fields=["totp_secret"])
    today = timezone.localdate()
    request = submit(world.alice, world)
    assert not eligible_steps(aaron, request)
    appointed = services.appoint_deputy(world.head_a, world.dept_a, aaron, today, today + timedelta(days=7),
                                        "所属長の休暇")
    assert eligible_steps(aaron, request) == ["head"] and request in approval_queue(aaron)
    done = approvals.decide(aaron, request, "approve", fresh_code(aaron), "代理で確認")
    assert done.state == RequestState.APPROVED
    log = home / "audit" / "records.log"
    assert b'"as_deputy_for":"head_a"' in log.read_bytes().replace(b" ", b"")
    later = submit(world.alice, world)
    services.revoke_deputy(world.admin, appointed)
    assert not eligible_steps(aaron, later)
    assert "deputy.appointed" in audit_actions(home) and "deputy.revoked" in audit_actions(home)


def test_deputy_rules(world: World) -> None:
    today = timezone.localdate()
    with pytest.raises(WorkflowError, match="two-factor"):
        services.appoint_deputy(world.admin, world.dept_a, world.aaron, today, today)  # no TOTP of their own
    with pytest.raises(PermissionDenied):
        services.appoint_deputy(world.head_b, world.dept_a, world.head_b, today, today)  # not their department
    world.aaron.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    world.aaron.save(update_fields=["totp_secret"])
    with pytest.raises(WorkflowError, match="period"):
        services.appoint_deputy(world.admin, world.dept_a, world.aaron, today, today - timedelta(days=1))
    future = services.appoint_deputy(world.admin, world.dept_a, world.aaron, today + timedelta(days=3),
                                     today + timedelta(days=5))
    assert not services.deputises(world.aaron, world.dept_a) and services.deputises(
        world.aaron, world.dept_a, future.starts_on)


def test_a_heads_own_request_goes_to_the_head_above(world: World, home: Path) -> None:
    bu = Department.objects.create(code="Z000", name="市民生活部")
    pw: dict[str, str] = {}
    bucho = make_user("bucho", Role.SECTION_HEAD, bu, pw)
    set_head(world.admin, bu, bucho)
    services.set_parent(world.admin, bu, None, Level.BU)
    services.set_parent(world.admin, world.dept_a, bu, Level.KA)
    own = submit(world.head_a, world)
    assert eligible_steps(bucho, own) == ["head"] and own in approval_queue(bucho)
    assert not eligible_steps(bucho, submit(world.alice, world))  # not an ordinary request of the 課
    approve(bucho, own)
    assert b'"escalated_from":"A100"' in (home / "audit" / "records.log").read_bytes().replace(b" ", b"")
    with pytest.raises(WorkflowError, match="loop"):
        services.set_parent(world.admin, bu, world.dept_a, Level.BU)


def test_organisation_page(world: World, as_user: Any) -> None:
    admin = as_user(world.admin)
    page = admin.get("/organisation/").content.decode()
    assert "組織と代理承認" in page and "市民課" in page
    assert admin.post(f"/organisation/{world.dept_b.pk}/place/", {"level": "ka", "parent": str(world.dept_a.pk)}
                      ).status_code == 302
    assert as_user(world.alice).get("/organisation/").status_code == 403
    refused = as_user(world.head_a).post("/organisation/deputies/", {
        "department": str(world.dept_a.pk), "deputy": "aaron", "starts_on": "2026-01-01", "ends_on": "bad"})
    assert refused.status_code == 400


def test_an_employee_deputy_uses_the_queue_and_the_decision_form(world: World, as_user: Any) -> None:
    aaron = world.aaron
    aaron.totp_secret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"
    aaron.save(update_fields=["totp_secret"])
    request = submit(world.alice, world)
    page = as_user(aaron)
    assert page.get("/queue/").status_code == 403  # not an approver (yet)
    today = timezone.localdate()
    services.appoint_deputy(world.head_a, world.dept_a, aaron, today, today + timedelta(days=2), "出張")
    queue = page.get("/queue/").content.decode()
    assert f'href="/requests/{request.pk}/"' in queue and '<a href="/queue/">' in queue  # and in the menu
    answer = page.post(f"/requests/{request.pk}/decide/", {"decision": "approve", "code": fresh_code(aaron),
                                                           "reason": "代理で確認", "step": "head"})
    assert answer.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.APPROVED
    other = submit(world.bob, world)  # 選挙管理委員会事務局: not the department aaron deputises for
    refused = page.post(f"/requests/{other.pk}/decide/", {"decision": "approve", "code": fresh_code(aaron),
                                                          "reason": "", "step": "head"})
    assert refused.status_code in (403, 404)
