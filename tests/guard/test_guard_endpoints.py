"""Enrolment with a one-time token, status reports, and the endpoint / device-event / written pages."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from guard_helpers import World, approve, audit_actions, proof_of, submit

from mamori.audit import generate_signer
from mamori.guard.api.models import Endpoint
from mamori.guard.api.services import create_endpoint, reset_enrolment
from mamori.guard.api.signing import fingerprint, sign_report
from mamori.guard.exports.grants import grant_verifier
from mamori.guard.exports.models import Grant

SIGNER = generate_signer("mamori-endpoint")


def enrol(token: str, key: str = SIGNER.verifier.to_text()) -> Any:
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}").post(
        "/api/enrol", json.dumps({"public_key": key, "hostname": "PC-SHIMIN-01"}), content_type="application/json")


def test_enrolment_pins_key_and_replaces_the_one_time_token(world: World, home: Path) -> None:
    endpoint, token = create_endpoint(None, "pc-a-01", world.dept_a)
    answer = enrol(token)
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["grant_key"] == grant_verifier(home).to_text()
    assert body["grant_key_fingerprint"] == fingerprint(body["grant_key"])
    assert body["audit_key"] == (home / "audit" / "checkpoint.pub").read_text().strip()
    endpoint.refresh_from_db()
    assert endpoint.public_key == SIGNER.verifier.to_text() and endpoint.hostname == "PC-SHIMIN-01"
    assert enrol(token).status_code == 403, "the enrolment token stops working once used"
    agent = Client(HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert agent.get("/api/grants").status_code == 200
    assert enrol(body["token"]).status_code == 409, "an enrolled endpoint cannot enrol again"
    assert "endpoint.enrolled" in audit_actions(home)


@pytest.mark.parametrize("key", ["", "nonsense", SIGNER.to_text()], ids=["empty", "nonsense", "private"])
def test_enrolment_with_a_bad_key_refused(world: World, key: str) -> None:
    endpoint, token = create_endpoint(None, "pc-a-01", world.dept_a)
    assert enrol(token, key).status_code == 422
    endpoint.refresh_from_db()
    assert endpoint.enrolled_at is None


def test_reenrol_gives_a_new_token_and_drops_the_old_key(world: World) -> None:
    endpoint, token = create_endpoint(None, "pc-a-01", world.dept_a)
    own = enrol(token).json()["token"]
    again = reset_enrolment(None, endpoint)
    assert Client(HTTP_AUTHORIZATION=f"Bearer {own}").get("/api/grants").status_code == 403
    assert enrol(again).status_code == 201


def _signed(agent: Client, path: str, body: dict[str, Any], key: str | None = None) -> Any:
    headers: dict[str, str] = {"HTTP_MAMORI_SIGNATURE": sign_report(path, body, SIGNER)}
    if key:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return agent.post(path, json.dumps(body), content_type="application/json", **headers)


@pytest.mark.parametrize("body", [{"queued": -1}, {"queued": "3"}, {"policy_version": 1.5}, {"queued": True}])
def test_status_report_types_refused(world: World, body: dict[str, Any]) -> None:
    _, token = create_endpoint(None, "pc-a-01", world.dept_a)
    agent = Client(HTTP_AUTHORIZATION=f"Bearer {enrol(token).json()['token']}")
    assert _signed(agent, "/api/endpoint-status", body).status_code == 422


def test_pages_show_endpoint_events_and_the_written_request(world: World, as_user: Any) -> None:
    _, token = create_endpoint(None, "pc-a-01", world.dept_a)
    agent = Client(HTTP_AUTHORIZATION=f"Bearer {enrol(token).json()['token']}")
    assert _signed(agent, "/api/endpoint-status", {"queued": 3, "policy_version": 7}).status_code == 200
    medium = world.medium_a.identity()
    assert _signed(agent, "/api/device-events", {"kind": "blocked", "vendor_id": "dead", "product_id": "beef",
                                                 "serial": "ROGUE"}, "e1").status_code == 201
    assert _signed(agent, "/api/device-events", {"kind": "inserted", **medium}, "e2").status_code == 201
    refused = {"kind": "write_refused", **medium, "details": {"reason": "file_added", "message": "承認されていない",
                                                              "message_en": "not approved", "detail": "x.xlsx"}}
    assert _signed(agent, "/api/device-events", refused, "e3").status_code == 201
    grant = Grant.objects.get(request=approve(world.head_a, submit(world.alice, world)))
    request_page = as_user(world.alice).get(f"/requests/{grant.request_id}/").content.decode()
    assert "まだ書き出されていません" in request_page
    path = f"/api/exports/{grant.pk}/executed"
    assert _signed(agent, path, proof_of(grant), "x1").status_code == 200

    admin = as_user(world.admin)
    listing = admin.get("/endpoints/").content.decode()
    endpoint = Endpoint.objects.get(name="pc-a-01")
    assert "pc-a-01" in listing and "PC-SHIMIN-01" in listing and ">7<" in listing and "3 <small>" in listing
    events = admin.get(f"/endpoints/{endpoint.pk}/").content.decode()
    assert "ROGUE" in events and "遮断" in events and f"#{grant.request_id}" in events
    assert "承認されていない" in events and "detail: x.xlsx" in events
    on_medium = admin.get(f"/media/{world.medium_a.pk}/events/").content.decode()
    assert "ROGUE" not in on_medium and "接続" in on_medium and f"/requests/{grant.request_id}/" in on_medium
    written = as_user(world.alice).get(f"/requests/{grant.request_id}/").content.decode()
    assert "書き出した端末" in written and "endpoint:pc-a-01" in written
    # Section heads see their own department's endpoints only; employees no endpoint page at all.
    assert as_user(world.head_b).get(f"/endpoints/{endpoint.pk}/").status_code == 404
    assert "pc-a-01" in as_user(world.head_a).get("/endpoints/").content.decode()
    assert as_user(world.alice).get("/endpoints/").status_code == 403
