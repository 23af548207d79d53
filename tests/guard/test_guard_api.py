"""The agent API: tokens (401/403), grants, single-use idempotent reports with receipts, device events."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from guard_helpers import World, approve, audit_actions, proof_of, submit

from mamori.audit import Receipt, load_verifier, verify_log, verify_receipt
from mamori.guard.api.models import DeviceEvent
from mamori.guard.api.services import create_endpoint
from mamori.guard.exports.models import Grant


@pytest.fixture
def agent(world: World) -> Client:
    _, token = create_endpoint(None, "pc-a-01", world.dept_a)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def grant_of(world: World) -> Grant:
    return Grant.objects.get(request=approve(world.head_a, submit(world.alice, world)))


@pytest.mark.parametrize(("method", "url"), [("get", "/api/grants"), ("post", "/api/device-events"),
                                              ("post", "/api/exports/x/executed"), ("get", "/api/nothing")])
def test_401_without_token_403_with_wrong_one(world: World, method: str, url: str) -> None:
    response = getattr(Client(), method)(url)
    assert response.status_code == 401 and response["WWW-Authenticate"].startswith("Bearer")
    assert response.json()["error"] == "unauthenticated"
    response = getattr(Client(HTTP_AUTHORIZATION="Bearer mep_wrong"), method)(url)
    assert response.status_code == 403 and response.json()["error"] == "forbidden"


def test_grants_listed_for_the_endpoints_department(world: World, agent: Client) -> None:
    grant = grant_of(world)
    approve(world.head_b, submit(world.bob, world))
    listed = agent.get("/api/grants").json()["grants"]
    assert [g["grant"]["grant_id"] for g in listed] == [str(grant.pk)]
    assert agent.get("/api/grant-key").json()["key"].startswith("mamori-grant+")


def test_executed_once_idempotent_with_receipt(world: World, home: Path, agent: Client) -> None:
    grant = grant_of(world)
    url, body = f"/api/exports/{grant.pk}/executed", json.dumps(proof_of(grant))
    first = agent.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == 200
    retry = agent.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert retry.status_code == 200 and retry.json() == first.json()
    reuse = agent.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k2")
    assert reuse.status_code == 409
    clash = agent.post(url, "{}", content_type="application/json", HTTP_IDEMPOTENCY_KEY="k1")
    assert clash.status_code == 422
    receipt = Receipt.from_json(json.dumps(first.json()["receipt"]))
    verify_receipt(receipt, load_verifier(home / "audit" / "checkpoint.pub"))
    assert receipt.event.action == "export.executed"
    assert audit_actions(home).count("export.executed") == 1
    assert verify_log(home).ok


def test_executed_needs_idempotency_key_and_known_grant(world: World, agent: Client) -> None:
    grant = grant_of(world)
    assert agent.post(f"/api/exports/{grant.pk}/executed").status_code == 400
    assert agent.post("/api/exports/not-a-uuid/executed", HTTP_IDEMPOTENCY_KEY="a").status_code == 404
    _, other = create_endpoint(None, "pc-b-01", world.dept_b)
    foreign = Client(HTTP_AUTHORIZATION=f"Bearer {other}")
    assert foreign.post(f"/api/exports/{grant.pk}/executed", HTTP_IDEMPOTENCY_KEY="a").status_code == 404


def test_device_event(world: World, home: Path, agent: Client) -> None:
    payload = {"kind": "blocked", "vendor_id": "1234", "product_id": "ABCD", "serial": "X9",
               "username": "alice", "occurred_at": "2025-04-01T09:00:00+09:00"}
    response = agent.post("/api/device-events", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="e1")
    assert response.status_code == 201
    retry = agent.post("/api/device-events", payload, content_type="application/json", HTTP_IDEMPOTENCY_KEY="e1")
    assert retry.status_code == 201 and retry.json() == response.json()
    assert DeviceEvent.objects.get().product_id == "abcd"
    assert audit_actions(home).count("device.blocked") == 1


def test_device_event_needs_idempotency_key(world: World, agent: Client) -> None:
    response = agent.post("/api/device-events", {"kind": "blocked"}, content_type="application/json")
    assert response.status_code == 400 and response.json()["error"] == "idempotency_key_required"
    assert not DeviceEvent.objects.exists()


@pytest.mark.parametrize(("change", "why"), [
    (lambda r: r.pop("medium"), "medium is required"),
    (lambda r: r.pop("files"), "files is required"),
    (lambda r: r.update(files=[]), "not the files of the grant"),
    (lambda r: r["medium"].update(serial="OTHER"), "not the medium of the grant"),
    (lambda r: r["files"][0].update(sha256="0" * 64), "not the files of the grant"),
    (lambda r: r["files"][0].update(name="other.csv"), "names of the grant"),
    (lambda r: r.update(files=r["files"] * 2), "not the files of the grant"),
], ids=["no-medium", "no-files", "empty-files", "other-medium", "other-hash", "other-name", "twice"])
def test_executed_needs_proof_matching_the_grant(world: World, agent: Client, change: Any, why: str) -> None:
    grant = grant_of(world)
    report = proof_of(grant)
    change(report)
    response = agent.post(f"/api/exports/{grant.pk}/executed", json.dumps(report), content_type="application/json",
                          HTTP_IDEMPOTENCY_KEY="p")
    assert response.status_code == 422 and why in response.json()["message"], response.content
    assert Grant.objects.get(pk=grant.pk).redeemed_at is None


GARBAGE: list[Any] = ["", "null", "[]", "{", "\x00\xff", '{"kind": 5}', '{"kind": "blocked", "vendor_id": "zz"}',
                      '{"kind": "blocked", "occurred_at": "yesterday"}', '{"medium": 1, "files": "x"}',
                      '{"files": [{"sha256": null}]}', '{"kind": "blocked", "details": []}', "9" * 5000]


@pytest.mark.parametrize("body", GARBAGE)
def test_api_garbage_never_500(world: World, agent: Client, body: str) -> None:
    grant = grant_of(world)
    for url in ("/api/device-events", f"/api/exports/{grant.pk}/executed", "/api/grants"):
        response = agent.post(url, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="g")
        assert response.status_code < 500, (url, body, response.content)
