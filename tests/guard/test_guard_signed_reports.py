"""Signed agent reports: an endpoint with a registered Ed25519 key must sign; the signature is audited."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from guard_helpers import World, approve, proof_of, submit

from mamori.audit import AuditLog, generate_signer
from mamori.errors import WorkflowError
from mamori.guard.api.services import create_endpoint
from mamori.guard.api.signing import sign_report, verify_report
from mamori.guard.exports.models import Grant

SIGNER = generate_signer("pc-a-01")


@pytest.fixture
def signed_agent(world: World) -> Client:
    _, token = create_endpoint(None, "pc-a-01", world.dept_a, public_key=SIGNER.verifier.to_text())
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


def post(agent: Client, url: str, body: dict[str, Any], signature: str | None, key: str = "k") -> Any:
    headers = {"HTTP_IDEMPOTENCY_KEY": key}
    if signature is not None:
        headers["HTTP_MAMORI_SIGNATURE"] = signature
    # Whitespace and key order differ from the canonical form the signature covers.
    return agent.post(url, json.dumps(body, indent=3), content_type="application/json", **headers)


def last_event(home: Path) -> dict[str, Any]:
    with AuditLog(home, durable=False) as log:
        return log.event(log.size - 1).details


def test_signed_executed_report_accepted_and_audited(world: World, home: Path, signed_agent: Client) -> None:
    grant = Grant.objects.get(request=approve(world.head_a, submit(world.alice, world)))
    body, url = proof_of(grant), f"/api/exports/{grant.pk}/executed"
    other = Grant.objects.get(request=approve(world.head_a, submit(world.aaron, world)))
    replayed = post(signed_agent, f"/api/exports/{other.pk}/executed", body, sign_report(url, body, SIGNER))
    assert replayed.status_code == 403, "a signature for one grant does not work for another"
    response = post(signed_agent, url, body, sign_report(url, body, SIGNER))
    assert response.status_code == 200, response.content
    details = last_event(home)
    assert details["report"] == body
    assert verify_report(SIGNER.verifier.to_text(), url, details["report"], details["report_signature"])


OTHER = generate_signer("intruder")


@pytest.mark.parametrize(("signature", "why"), [
    (None, "missing"), ("", "missing"), ("not base64!", "garbage"), ("QUJD", "too short"),
    (sign_report("/api/device-events", {"kind": "inserted"}, SIGNER), "signs another body"),
    (sign_report("/api/device-events", {"kind": "blocked", "serial": "X"}, OTHER), "another key"),
    (sign_report("/api/grants", {"kind": "blocked", "serial": "X"}, SIGNER), "signed for another path"),
    ("A" * 500, "too long"),
], ids=["none", "empty", "garbage", "too-short", "other-body", "other-key", "other-path", "too-long"])
def test_unsigned_or_badly_signed_refused(world: World, signed_agent: Client, signature: str | None,
                                          why: str) -> None:
    body = {"kind": "blocked", "serial": "X"}
    response = post(signed_agent, "/api/device-events", body, signature)
    assert response.status_code == 403, why
    assert response.json()["error"] == "forbidden"


def test_signed_device_event(world: World, home: Path, signed_agent: Client) -> None:
    body = {"kind": "blocked", "serial": "X", "details": {"ドライブ": "E:"}}
    response = post(signed_agent, "/api/device-events", body, sign_report("/api/device-events", body, SIGNER))
    assert response.status_code == 201
    assert last_event(home)["report_signature"]


@pytest.mark.parametrize("key", ["", "   "])
def test_unsigned_endpoint_needs_no_signature(world: World, key: str) -> None:
    endpoint, _ = create_endpoint(None, "pc-plain", world.dept_a, public_key=key)
    assert endpoint.public_key == ""


# Explicit ids: generated keys differ per process, and pytest-xdist needs identical test ids in every worker.
@pytest.mark.parametrize("key", ["nonsense", "a+b+c", SIGNER.to_text()], ids=["nonsense", "three-parts", "private-key"])
def test_bad_public_key_refused(world: World, key: str) -> None:
    with pytest.raises(WorkflowError):
        create_endpoint(None, "pc-bad", world.dept_a, public_key=key)
