"""The agent API's OpenAPI document: served == docs copy == generated, valid OpenAPI 3.1, in step with the code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.test import Client
from django.urls import get_resolver

from mamori.guard.api import openapi, services

DOCS = Path(__file__).resolve().parents[2] / "docs" / "guard-api.openapi.json"


def test_served_equals_docs_copy(db: None) -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert response.content.decode() == DOCS.read_text(encoding="utf-8") == openapi.document_text(), (
        "regenerate: python -m mamori.guard.api.openapi > docs/guard-api.openapi.json")


def test_valid_openapi_31() -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    document = json.loads(DOCS.read_text(encoding="utf-8"))
    validator.validate(document)
    assert document["openapi"].startswith("3.1")


def test_every_api_route_documented() -> None:
    routes = {"/" + str(p.pattern).rstrip("$").lstrip("^") for p in get_resolver().url_patterns
              if str(p.pattern).startswith("api/")}
    documented = {p.replace("{grant_id}", "<str:grant_id>") for p in openapi.document()["paths"]}
    assert routes == documented


def test_kinds_and_errors_in_step_with_code() -> None:
    assert set(openapi.DEVICE_EVENT_KINDS) == services.DEVICE_EVENT_KINDS
    schemes = openapi.document()["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}


@pytest.mark.parametrize("method", ["post", "put", "delete"])
def test_openapi_read_only(db: None, method: str) -> None:
    response = getattr(Client(), method)("/api/openapi.json")
    assert response.status_code == 405 and response.json()["error"] == "method_not_allowed"
