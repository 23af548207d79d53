"""The agent API refuses (422) what its OpenAPI schema forbids, rather than coercing or cutting it."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client
from guard_helpers import World, approve, submit

from mamori.guard.api.services import create_endpoint
from mamori.guard.exports.models import Grant


@pytest.fixture
def agent(world: World) -> Client:
    _, token = create_endpoint(None, "pc-a-01", world.dept_a)
    return Client(HTTP_AUTHORIZATION=f"Bearer {token}")


@pytest.mark.parametrize("extra", [
    {"username": []}, {"serial": 5}, {"serial": None}, {"serial": "x" * 129}, {"username": "u" * 151},
    {"vendor_id": 1234}, {"vendor_id": ""}, {"product_id": None}, {"occurred_at": None}, {"occurred_at": 3},
    {"occurred_at": "2025-04-01T00:00:00"}, {"occurred_at": "0001-01-01T00:00:00+14:00"}, {"details": None},
    {"kind": ["blocked"]}, {"kind": None},
])
def test_device_event_wrong_types_refused(world: World, agent: Client, extra: dict[str, Any]) -> None:
    body = {"kind": "blocked", **extra}
    response = agent.post("/api/device-events", json.dumps(body), content_type="application/json",
                          HTTP_IDEMPOTENCY_KEY="t")
    assert response.status_code == 422, response.content


@pytest.mark.parametrize("report", [
    {"result": 1}, {"result": "r" * 101}, {"executed_at": None}, {"files": "x"}, {"files": [{"sha256": 1}]},
    {"files": [{"sha256": "a", "size": "1"}]}, {"files": [{"sha256": "a", "size": True}]},
])
def test_executed_report_wrong_types_refused(world: World, agent: Client, report: dict[str, Any]) -> None:
    grant = Grant.objects.get(request=approve(world.head_a, submit(world.alice, world)))
    response = agent.post(f"/api/exports/{grant.pk}/executed", json.dumps(report), content_type="application/json",
                          HTTP_IDEMPOTENCY_KEY="t")
    assert response.status_code == 422, response.content
    assert Grant.objects.get(pk=grant.pk).redeemed_at is None
